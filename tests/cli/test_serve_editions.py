"""`bookwright serve` previews every edition (issue 14): after a save the web edition comes
first, then the screen PDF (its viewer opens the page that changed), then the EPUB as a
draft, and the gated EPUB replaces the draft only when it passes.

One real preview of a copy of the `gate-cache` book (`bookwright serve --out OUT`), with the
gate's tools when they are installed; edits are made to its chapters while the test reads
the status the pages poll, the files the download links serve and the terminal.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import threading
import time
import zipfile

import pytest
from lxml import etree

from bookwright.build.pipeline import prepare_book
from bookwright.cli.preview_gate import GateJob, GateWorker
from bookwright.diagnostics import Diagnostics
from bookwright.writers.epub import gate
from support import BOOKS
from support.preview import (RunningPreview, ask, assert_no_traceback, descendants, fetch, fetch_bytes, request,
                             still_running, wait_for)

OPF = "{http://www.idpf.org/2007/opf}"
CLAIM = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
EMPTY_LINK = 'The almanac is <a href="https://example.com/almanac"></a> online.'
GATE_SECONDS = 240  # a first check of every document on a busy machine; later ones take seconds


@pytest.fixture(scope="module")
def tools(gate_tools):
    return gate_tools


@pytest.fixture(scope="module")
def preview(tmp_path_factory, tools):
    folder = tmp_path_factory.mktemp("serve-editions")
    book = folder / "book"
    shutil.copytree(BOOKS / "gate-cache", book)
    running = RunningPreview(book, "--out", str(folder / "out"))
    running.out_folder = folder / "out"
    try:
        wait_for(lambda: running.status()["editions"].get("epub", {}).get("gate") == "published", GATE_SECONDS,
                 "the first gated EPUB")
    except BaseException:
        running.stop()
        raise
    yield running
    tools_running = descendants(running.process.pid)
    assert {"java", "node"} <= set(tools_running.values())  # the gate's tools, kept warm
    assert running.stop() == 0, running.terminal()
    # Stopping the preview stops them, and the browser Ace started.
    assert wait_for(lambda: not still_running(tools_running), 10, "the gate's tools to end")
    assert_no_traceback(running)


def claims(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    return [m.text for m in opf.iter(f"{OPF}meta") if m.get("property") == "dcterms:conformsTo"]


def epub_text(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(f"EPUB/{name}").decode("utf-8")


class Recorder:
    """Every state the status passes through, in order, read with the same long polls a page makes."""

    def __init__(self, running: RunningPreview):
        self.running = running
        self.states: list[dict] = []
        self.stopped = threading.Event()
        status = running.status()
        self.states.append(status)
        self.thread = threading.Thread(target=self.follow, daemon=True)
        self.thread.start()

    def follow(self):
        while not self.stopped.is_set():
            last = self.states[-1]
            query = f"since={last['build']}" + "".join(f"&{name}={edition['version']}"
                                                       for name, edition in last["editions"].items())
            try:
                self.states.append(json.loads(fetch(self.running.base + "__bookwright/status?" + query)))
            except OSError:
                time.sleep(0.1)

    def stop(self):
        self.stopped.set()


def edit_and_follow(running: RunningPreview, chapter: str, change, until) -> list[dict]:
    recorder = Recorder(running)
    path = running.book / chapter
    path.write_text(change(path.read_text()))
    try:
        wait_for(lambda: until(recorder.states[-1]), GATE_SECONDS, "the preview to get there")
    finally:
        recorder.stop()
    return recorder.states


def first_index(states: list[dict], condition) -> int:
    return next(i for i, state in enumerate(states) if condition(state))


def test_every_edition_is_served_and_the_downloads_are_the_newest_files(preview):
    status = preview.status()
    pdf, epub = status["editions"]["pdf"], status["editions"]["epub"]
    assert (pdf["file"], epub["file"]) == ("three-lights.pdf", "three-lights.epub")
    index = fetch(preview.base + "index.html")
    links = dict(re.findall(r'<a href="([^"]+)" type="([^"]+)" download>', index))
    assert links == {"three-lights.pdf": "application/pdf", "three-lights.epub": "application/epub+zip"}
    for name, kind in links.items():
        answer = ask(preview.port, request("/" + name))
        assert answer.status == 200 and answer.headers["Content-Type"] == kind
        assert answer.body == (preview.out_folder / name).read_bytes()
    # The gated EPUB is the one served, with its claim.
    assert claims(fetch_bytes(preview.base + "three-lights.epub")) == [CLAIM]
    assert "conformance claimed" in epub["note"]
    # The PDF viewer shows the newest file.
    viewer = fetch(preview.base + "__bookwright/pdf")
    assert f'src="/three-lights.pdf?v={pdf["version"]}' in viewer and "/__bookwright/pdf.js" in viewer
    # Another site cannot take the files, as with the site's own; a HEAD says what a GET sends.
    for path in ("/three-lights.epub", "/three-lights.pdf", "/__bookwright/pdf", "/__bookwright/pdf.js"):
        taken = ask(preview.port, request(path, headers=[("Sec-Fetch-Site", "cross-site"),
                                                         ("Sec-Fetch-Mode", "no-cors")]))
        assert taken.status == 403 and taken.headers["Cross-Origin-Resource-Policy"] == "same-origin", path
    head = ask(preview.port, request("/three-lights.pdf", method="HEAD"), method="HEAD")
    assert head.status == 200 and int(head.headers["Content-Length"]) == (preview.out_folder / "three-lights.pdf").stat().st_size
    assert ask(preview.port, request("/three-lights.mobi")).status == 404
    assert_no_traceback(preview)


def test_a_save_updates_the_web_edition_then_the_pdf_then_the_epub(preview):
    before = preview.status()
    sentence = "A trimmed wick burns without smoke until the oil runs low."
    states = edit_and_follow(
        preview, "03-dusk.md", lambda text: text + "\n" + sentence + "\n",
        lambda s: s["editions"]["epub"]["version"] >= before["editions"]["epub"]["version"] + 2
        and s["editions"]["epub"]["gate"] != "draft")
    web = first_index(states, lambda s: s["build"] > before["build"])
    pdf = first_index(states, lambda s: s["editions"]["pdf"]["version"] > before["editions"]["pdf"]["version"])
    draft = first_index(states, lambda s: s["editions"]["epub"]["version"] > before["editions"]["epub"]["version"])
    assert web < pdf <= draft, states
    assert states[draft]["editions"]["epub"]["gate"] == "draft"
    assert states[-1]["editions"]["epub"]["gate"] == "published"
    assert sentence in fetch(preview.base + "03-dusk.html")

    # The PDF viewer is sent to the page that shows the new sentence.
    from pypdf import PdfReader

    data = fetch_bytes(preview.base + "three-lights.pdf")
    pages = PdfReader(io.BytesIO(data)).pages
    showing = next(n for n, page in enumerate(pages, 1) if "trimmed wick" in " ".join(page.extract_text().split()))
    assert states[-1]["editions"]["pdf"]["page"] == showing

    # The gated file is the newest book, with its claim.
    epub = fetch_bytes(preview.base + "three-lights.epub")
    assert sentence in epub_text(epub, "03-dusk.xhtml") and claims(epub) == [CLAIM]
    # The status can be read before the terminal's last line has come through its pipe.
    terminal = wait_for(lambda: "Ace opened 1 of 7 documents" in preview.terminal() and preview.terminal(), 10,
                        "the terminal to say so")
    assert "03-dusk.md changed: built the web edition in" in terminal
    assert re.search(r"built the screen PDF in [\d.]+s, page \d+ changed", terminal)
    assert "Ace opened 1 of 7 documents (6 unchanged); conformance claimed" in terminal
    assert_no_traceback(preview)


def test_a_gate_failure_keeps_the_draft_and_says_where(preview):
    before = preview.status()["editions"]["epub"]["version"]
    states = edit_and_follow(preview, "02-noon.md", lambda text: text + "\n" + EMPTY_LINK + "\n",
                             lambda s: s["editions"]["epub"]["version"] >= before + 2
                             and s["editions"]["epub"]["gate"] == "failed")
    line = (preview.book / "02-noon.md").read_text().splitlines().index(EMPTY_LINK) + 1
    failed = states[-1]
    assert failed["ok"] is True  # the book itself builds; only its EPUB falls short
    assert any(p.startswith(f"02-noon.md:{line}:") and "Ace: link-name (serious)" in p
               for p in failed["editions"]["epub"]["problems"])
    # The download is the draft of this very build: the new paragraph, and no claim.
    draft = fetch_bytes(preview.base + "three-lights.epub")
    assert "example.com/almanac" in epub_text(draft, "02-noon.xhtml") and claims(draft) == []
    wait_for(lambda: "did not pass its gate" in preview.terminal(), 10, "the terminal to say so")

    # Fixed: the gated file replaces the draft again.
    states = edit_and_follow(preview, "02-noon.md", lambda text: text.replace(EMPTY_LINK, "The almanac is online."),
                             lambda s: s["editions"]["epub"]["gate"] == "published")
    assert states[-1]["editions"]["epub"]["problems"] == []
    assert claims(fetch_bytes(preview.base + "three-lights.epub")) == [CLAIM]
    assert_no_traceback(preview)


def test_the_pdf_viewer_follows_an_edit_in_chromium(preview):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_page()
            tab.goto(preview.base + "__bookwright/pdf")
            version = preview.status()["editions"]["pdf"]["version"]
            assert tab.get_attribute("#bookwright-pdf", "src").startswith(f"/three-lights.pdf?v={version}")
            dawn = preview.book / "01-dawn.md"
            dawn.write_text(dawn.read_text().replace("long before the sun is up", "well before the sun is up"))
            tab.wait_for_function(f"document.getElementById('bookwright-pdf').src.indexOf('v={version + 1}#page=') > 0",
                                  timeout=120000)
            page = preview.status()["editions"]["pdf"]["page"]
            assert tab.get_attribute("#bookwright-pdf", "src") == f"/three-lights.pdf?v={version + 1}#page={page}"
        finally:
            browser.close()
    assert_no_traceback(preview)


def test_a_gated_file_never_replaces_a_newer_draft(tmp_path):
    """The check of draft 1 ends after draft 2 is published: its file is thrown away."""
    book = prepare_book(BOOKS / "gate-cache", Diagnostics())
    out = tmp_path / "out"
    out.mkdir()
    final = out / "three-lights.epub"
    final.write_bytes(b"draft 2")
    outcomes = []
    worker = GateWorker(BOOKS / "gate-cache", out, gate.GateTools(None, None, None), out / ".bookwright-cache",
                        threading.Lock(), lambda: 2, outcomes.append)
    try:
        worker.submit(GateJob(book, None, draft=1))
        wait_for(lambda: outcomes, 60, "the check")
    finally:
        worker.close()
    assert outcomes[0].verdict == "stale"
    assert final.read_bytes() == b"draft 2"
    assert [p.name for p in out.iterdir() if p.name.endswith(".part")] == []
