"""The EPUB's gate costs what changed (issue 14): Ace by DAISY opens a content document in the
browser again only when its bytes, or those of a file it loads, changed since a check that
passed or failed it; EPUBCheck still reads the whole file; the claim is made only on a
clean verdict on the exact bytes published.

Real gated builds of the `gate-cache` book (three chapters, one showing an image). The
documents Ace opened are read from the gate's result through a spy on `gate.run_gate` (it
calls the real one); what the author sees is asserted too: the build line, the problems
at their Markdown lines, the claim in the EPUB. Skipped where Java, Node or Chromium is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from bookwright.build.pipeline import build
from bookwright.writers.epub import gate
from support import BOOKS
from support.preview import descendants, still_running, wait_for

OPF = "{http://www.idpf.org/2007/opf}"
CHAPTERS = ["EPUB/01-dawn.xhtml", "EPUB/02-noon.xhtml", "EPUB/03-dusk.xhtml"]
EMPTY_LINK = 'The almanac is <a href="https://example.com/almanac"></a> online.'


@pytest.fixture(scope="module")
def tools(gate_tools):
    return gate_tools


@pytest.fixture(scope="module")
def first_build(tmp_path_factory, tools):
    """The book built once through the gate, every document checked: the state later builds start from."""
    folder = tmp_path_factory.mktemp("gate-cache")
    book = folder / "book"
    shutil.copytree(BOOKS / "gate-cache", book)
    out = folder / "out"
    result = build(book, out, ("epub",), gate=True)
    assert result.diagnostics.items == [], [d.format() for d in result.diagnostics.items]
    return book, out, result


@pytest.fixture
def copy(first_build, tmp_path):
    """A writable copy of the book and of its output folder (the cache included)."""
    book, out, _ = first_build
    shutil.copytree(book, tmp_path / "book")
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "book", tmp_path / "out"


class GateSpy:
    """Records each result of the real run_gate."""

    def __init__(self, monkeypatch):
        self.results: list[gate.GateResult] = []
        real = gate.run_gate

        def spy(*args, **kwargs):
            result = real(*args, **kwargs)
            self.results.append(result)
            return result

        monkeypatch.setattr(gate, "run_gate", spy)

    @property
    def last(self) -> gate.GateResult:
        assert len(self.results) == 1, "one gate run per build"
        return self.results.pop()


def claims(epub: Path) -> list[str]:
    with zipfile.ZipFile(epub) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    return [m.text for m in opf.iter(f"{OPF}meta") if m.get("property") == "dcterms:conformsTo"]


def epub_note(result) -> str:
    return next(o.note for o in result.outputs if o.format == "epub")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_first_build_checks_every_document(first_build):
    _, out, result = first_build
    note = epub_note(result)
    assert "EPUBCheck and Ace: no problems" in note and "conformance claimed" in note
    assert "Ace opened 7 of 7 documents (0 unchanged)" in note
    assert claims(out / "three-lights.epub") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]


def test_only_what_changed_is_sent_to_ace_again(copy, monkeypatch):
    book, out = copy
    spy = GateSpy(monkeypatch)

    # One chapter's text: only that document is opened in the browser.
    edit(book / "02-noon.md", "only a chair", "only a wooden chair")
    result = build(book, out, ("epub",), gate=True)
    ran = spy.last
    assert ran.checked == ["EPUB/02-noon.xhtml"]
    assert len(ran.reused) == 6 and "EPUB/01-dawn.xhtml" in ran.reused
    assert "Ace opened 1 of 7 documents (6 unchanged)" in epub_note(result)
    assert "conformance claimed" in epub_note(result)
    assert claims(out / "three-lights.epub") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    with zipfile.ZipFile(out / "three-lights.epub") as z:
        assert "only a wooden chair" in z.read("EPUB/02-noon.xhtml").decode()

    # Only the image: the chapter that shows it is checked again, though its own bytes are the same.
    image = book / "images" / "lamp.svg"
    image.write_text(image.read_text().replace("#c07a00", "#b06a00"))
    result = build(book, out, ("epub",), gate=True)
    ran = spy.last
    assert ran.checked == ["EPUB/01-dawn.xhtml"]
    assert len(ran.reused) == 6
    assert "conformance claimed" in epub_note(result)

    # Nothing: the verdict on these same bytes stands, and neither tool runs.
    started = []
    monkeypatch.setattr(gate.Checkers, "check", lambda *args: started.append(args))
    result = build(book, out, ("epub",), gate=True)
    ran = spy.last
    assert ran.remembered and ran.clean and started == []
    assert "the verdict on these same bytes reused" in epub_note(result)
    assert claims(out / "three-lights.epub") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]


def test_a_failing_verdict_from_the_cache_still_fails_at_its_line(copy, monkeypatch):
    book, out = copy
    published = (out / "three-lights.epub").read_bytes()
    spy = GateSpy(monkeypatch)
    dusk = book / "03-dusk.md"
    dusk.write_text(dusk.read_text() + "\n" + EMPTY_LINK + "\n")
    line = dusk.read_text().splitlines().index(EMPTY_LINK) + 1

    def link_errors(result) -> list[str]:
        return [d.format() for d in result.diagnostics.errors if "link-name" in d.message]

    failed = build(book, out, ("epub",), gate=True)
    assert spy.last.checked == ["EPUB/03-dusk.xhtml"]
    errors = link_errors(failed)
    assert len(errors) == 1 and errors[0].startswith(f"03-dusk.md:{line}:") and "Ace: link-name (serious)" in errors[0]
    assert failed.outputs == []
    assert (out / "three-lights.epub").read_bytes() == published  # the rejected EPUB is not published

    # Another chapter changes: the failing one is not opened again, and still fails, at the same line.
    edit(book / "02-noon.md", "only a chair", "only a wooden chair")
    again = build(book, out, ("epub",), gate=True)
    ran = spy.last
    assert ran.checked == ["EPUB/02-noon.xhtml"] and "EPUB/03-dusk.xhtml" in ran.reused
    assert link_errors(again) == errors
    assert again.outputs == []
    assert (out / "three-lights.epub").read_bytes() == published

    # Fixed: checked again, passes, published with the claim.
    edit(dusk, EMPTY_LINK, 'The almanac is <a href="https://example.com/almanac">online</a>.')
    fixed = build(book, out, ("epub",), gate=True)
    assert spy.last.checked == ["EPUB/03-dusk.xhtml"]
    assert fixed.diagnostics.items == [] and "conformance claimed" in epub_note(fixed)


def test_a_damaged_cache_entry_is_a_miss(copy, monkeypatch):
    book, out = copy
    entries = sorted((out / ".bookwright-cache" / gate.ACE_CACHE).glob("*.json"))
    assert len(entries) == 7
    checked_document = {}  # entry → the document whose check it holds, as axe names it
    for entry in entries:
        payload = json.loads(json.loads(entry.read_text())["payload"])
        checked_document[Path(json.loads(payload["result"])["axe"]["url"]).name] = entry
    dawn, noon, dusk = (checked_document[Path(name).name] for name in CHAPTERS)
    # Cut short; one character of the payload changed (the checksum no longer matches); a
    # payload rewritten with a matching checksum but a verdict of the wrong shape.
    dawn.write_bytes(dawn.read_bytes()[:200])
    text = json.loads(noon.read_text())
    assert "violations" in text["payload"]
    noon.write_text(json.dumps({**text, "payload": text["payload"].replace("violations", "violationz", 1)}))
    forged = json.dumps({"format": "bookwright-ace-2", "resources": {}, "result": "[]"})
    dusk.write_text(json.dumps({"checksum": hashlib.sha256(forged.encode()).hexdigest(), "payload": forged}))
    # The whole-EPUB verdict too, or these same bytes would not be checked at all.
    verdict = out / ".bookwright-cache" / gate.VERDICT
    verdict.write_text(verdict.read_text()[:-5])

    spy = GateSpy(monkeypatch)
    result = build(book, out, ("epub",), gate=True)
    ran = spy.last
    assert not ran.remembered
    assert ran.checked == CHAPTERS and len(ran.reused) == 4
    assert result.diagnostics.items == [] and "conformance claimed" in epub_note(result)
    # The entries were written again, whole: the next check reuses every document.
    Path(out / ".bookwright-cache" / gate.VERDICT).unlink()
    build(book, out, ("epub",), gate=True)
    assert spy.last.checked == []


def test_epubcheck_reads_the_whole_file_when_ace_reuses_the_documents(copy, tools, tmp_path):
    """The image dropped from the package: EPUBCheck, which reads the whole package, reports
    the missing file, and Ace opens again the one document whose loaded files changed."""
    _, out = copy
    whole = out / "three-lights.epub"
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            if not item.filename.endswith("lamp.svg"):
                target.writestr(item, source.read(item.filename))
    result = gate.run_gate(broken, tools, out / ".bookwright-cache")
    assert result.checked == ["EPUB/01-dawn.xhtml"] and len(result.reused) == 6
    assert [f.message.split(":")[0] for f in result.findings if f.tool == "EPUBCheck" and "lamp.svg" in f.message]
    assert result.errors and not result.clean


def test_ctrl_c_during_the_gate_stops_its_tools_and_keeps_the_last_epub(copy, tools):
    """The terminal's Ctrl-C reaches the build's whole process group while EPUBCheck and Ace
    (with its browser) run: the build ends at once, no checker is left running, and the
    EPUB published before stays."""
    book, out = copy
    published = (out / "three-lights.epub").read_bytes()
    edit(book / "02-noon.md", "only a chair", "only a wooden chair")
    (out / ".bookwright-cache" / gate.VERDICT).unlink()
    # As a terminal starts it: with Ctrl-C's signal not ignored. A suite started in the
    # background of a shell without job control ignores it, and a child inherits that; a
    # handled signal is reset to its default when the child starts.
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        build_process = subprocess.Popen([sys.executable, "-m", "bookwright", "build", str(book), "--out", str(out),
                                          "--format", "epub"], start_new_session=True, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, text=True)
    finally:
        signal.signal(signal.SIGINT, inherited)
    try:
        tools_running = wait_for(lambda: (found := descendants(build_process.pid))
                                 and {"java", "node"} <= set(found.values())
                                 and any(name.startswith("chrom") for name in found.values()) and found,
                                 120, "the gate's tools to run")
        os.killpg(build_process.pid, signal.SIGINT)
        output, _ = build_process.communicate(timeout=30)
    finally:
        if build_process.poll() is None:
            build_process.kill()
    assert build_process.returncode == 130, output
    assert "interrupted; the output folder keeps its previous editions" in output
    assert wait_for(lambda: not still_running(tools_running), 10, "the gate's tools to end")
    assert (out / "three-lights.epub").read_bytes() == published
    assert not [p for p in (out / ".bookwright-cache").iterdir() if p.name.startswith("bookwright-gate-")]

