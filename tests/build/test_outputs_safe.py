"""Issue 4: nothing is lost (killed builds, concurrent builds, `clean`, an unusable output
folder, the manuscript never touched) and builds are byte-for-byte reproducible."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from bookwright import cli
from bookwright.build.pipeline import build
from support import BOOKS, SAMPLE, copy_book, epubcheck
from support.readback import Epub

BOOKWRIGHT = [sys.executable, "-m", "bookwright"]


def tree_hashes(folder: Path, skip: str | None = None) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not (skip and p.relative_to(folder).parts[0] == skip)}


def visible(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


def pdf_opens(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def test_killing_a_build_mid_pdf_leaves_the_previous_outputs_intact(sample_outputs, tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    for fmt in ("epub", "pdf"):
        shutil.copy2(sample_outputs[fmt], dist)
    before = tree_hashes(dist)
    manuscript = tree_hashes(SAMPLE)
    build = subprocess.Popen(BOOKWRIGHT + ["build", str(SAMPLE), "--out", str(dist), "--format", "pdf,epub", "--no-gate"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not list(dist.glob(".the-small-table.pdf.*.part")):  # WeasyPrint is laying the book out
            assert build.poll() is None, "the build ended before its PDF was begun"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(1.5)
        assert build.poll() is None, "the build ended before it could be killed"
        os.killpg(build.pid, signal.SIGKILL)
    finally:
        build.wait(timeout=30)
    assert build.returncode == -signal.SIGKILL
    assert tree_hashes(dist) == before | {k: v for k, v in tree_hashes(dist).items() if k.startswith(".")}
    assert visible(dist) == {"the-small-table.epub", "the-small-table.pdf"}
    assert pdf_opens(dist / "the-small-table.pdf") >= 40
    with zipfile.ZipFile(dist / "the-small-table.epub") as z:
        assert z.testzip() is None
    assert tree_hashes(SAMPLE) == manuscript


def test_two_builds_at_once_leave_whole_outputs(tmp_path):
    book = copy_book("odd-encodings", tmp_path)
    out = tmp_path / "dist"
    command = BOOKWRIGHT + ["build", str(book), "--out", str(out), "--format", "epub,pdf,web", "--no-gate", "-q"]
    builds = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [b.communicate(timeout=300) for b in builds]
    assert [b.returncode for b in builds] == [0, 0], results
    assert visible(out) == {"odd-encodings.epub", "odd-encodings.pdf", "site"}
    assert epubcheck(out / "odd-encodings.epub") == []
    assert pdf_opens(out / "odd-encodings.pdf") >= 1
    assert (out / "site" / "index.html").is_file() and (out / "site" / "01-bom-crlf.html").is_file()
    assert not [p for p in out.iterdir() if p.name.endswith((".part", ".old", ".raw"))]


def test_a_build_never_changes_the_manuscript_and_clean_removes_only_its_own_files(tmp_path, capsys):
    book = copy_book("odd-encodings", tmp_path)
    out = book / "dist"  # an output folder inside the book folder, as `bookwright build` in it makes
    out.mkdir()
    (out / "notes.txt").write_text("the author's own file")
    manuscript = tree_hashes(book, skip="dist")
    assert cli.main(["build", str(book), "--out", str(out), "--format", "epub,web", "--no-gate", "-q"]) == 0
    assert tree_hashes(book, skip="dist") == manuscript
    assert {"odd-encodings.epub", "site", "notes.txt"} <= visible(out)
    (out / ".odd-encodings.epub.x1y2z3.part").write_bytes(b"left by a killed build")
    capsys.readouterr()
    assert cli.main(["clean", str(book), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert "removed" in capsys.readouterr().out
    assert tree_hashes(book, skip="dist") == manuscript
    # A folder the build made is removed when nothing else is left in it.
    fresh = tmp_path / "fresh" / "dist"
    assert cli.main(["build", str(book), "--out", str(fresh), "--format", "epub", "--no-gate", "-q"]) == 0
    assert cli.main(["clean", "--out", str(fresh)]) == 0
    assert not fresh.exists() and fresh.parent.exists()


def test_clean_never_follows_a_tampered_record_out_of_the_folder(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (tmp_path / "precious.md").write_text("months of work")
    (out / ".bookwright-outputs.json").write_text('{"outputs": ["../precious.md", "/etc/passwd", ".", ".."]}')
    assert cli.main(["clean", "--out", str(out)]) == 0
    assert (tmp_path / "precious.md").read_text() == "months of work" and out.is_dir()


@pytest.mark.parametrize("where, message", [
    ("a-file", "cannot use '{out}' as the output folder: '{file}' is a file"),
    ("a-file/below", "cannot use '{out}' as the output folder: '{file}' is a file"),
    ("book", "the output folder '{out}' holds the book itself"),
    ("book/images", "the output folder '{out}' holds the book's own file 'images/one.png'"),
])
def test_an_unusable_output_folder_is_one_clear_error(tmp_path, capsys, where, message):
    book = tmp_path / "book"
    (book / "images").mkdir(parents=True)
    (book / "book.toml").write_text('[book]\ntitle = "T"\nauthors = ["A"]\nlanguage = "en"\n')
    (book / "01-a.md").write_text("# A\n\n![One](images/one.png)\n")
    from PIL import Image

    Image.new("RGB", (4, 4)).save(book / "images" / "one.png")
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / where
    before = tree_hashes(book)
    assert cli.main(["build", str(book), "--out", str(out), "--format", "epub", "--no-gate", "-q"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "bookwright: error: " + message.format(out=out, file=tmp_path / "a-file") + (
        "; choose another with --out (for example dist/)" if where == "book" else
        "; choose another with --out" if where == "book/images" else "")
    assert tree_hashes(book) == before


def test_an_internal_error_is_one_line_and_exit_3(tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the writer fell over")

    import bookwright.build.pipeline

    monkeypatch.setattr(bookwright.build.pipeline, "build", broken)
    book = BOOKS / "odd-encodings"
    assert cli.main(["build", str(book), "--out", str(tmp_path), "--no-gate"]) == 3
    err = capsys.readouterr().err
    assert err.splitlines() == ["bookwright: internal error: RuntimeError: the writer fell over "
                                "(a bug in bookwright, not in your book; --verbose shows where)"]
    assert cli.main(["build", str(book), "--out", str(tmp_path), "--no-gate", "--verbose"]) == 3
    assert "Traceback (most recent call last)" in capsys.readouterr().err


# --- reproducible builds -------------------------------------------------------------------------


def test_the_sample_book_builds_byte_for_byte_the_same_in_another_folder(sample_build, tmp_path):
    copy = copy_book(SAMPLE, tmp_path / "elsewhere")
    out = tmp_path / "out"
    code = ("import sys; from pathlib import Path; from bookwright.build.pipeline import build; "
            "r = build(Path(sys.argv[1]), Path(sys.argv[2]), ('epub', 'pdf', 'web')); "
            "sys.exit(1 if r.diagnostics.errors else 0)")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # another process, another hash order
    env.pop("SOURCE_DATE_EPOCH", None)
    done = subprocess.run([sys.executable, "-c", code, str(copy), str(out)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    first = {o.format: o.path for o in sample_build.outputs}
    for fmt in ("epub", "pdf"):
        assert hashlib.sha256(first[fmt].read_bytes()).digest() == \
            hashlib.sha256((out / first[fmt].name).read_bytes()).digest(), fmt
    assert tree_hashes(first["web"]) == tree_hashes(out / "site")


def test_a_book_with_photos_builds_the_same_pdfs_in_another_folder(tmp_path, monkeypatch):
    """WeasyPrint names a raster image after its address: the address must not be where the book lies."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outputs = []
    for folder in ("a", "b/deeper"):
        book = shutil.copytree(BOOKS / "print-book", tmp_path / folder / "book")
        result = build(book, tmp_path / folder / "out", ("pdf", "print-kdp"))
        assert not result.diagnostics.errors
        outputs.append({o.format: o.path.read_bytes() for o in result.outputs})
    assert outputs[0] == outputs[1]


def test_source_date_epoch_stamps_every_edition(tmp_path):
    builds = []
    for n in (1, 2):
        book = copy_book("odd-encodings", tmp_path / f"copy{n}")
        for path in book.iterdir():
            os.utime(path, (1_000_000_000 + n * 86_400,) * 2)  # different file times: must not matter
        out = tmp_path / f"out{n}"
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
        done = subprocess.run(BOOKWRIGHT + ["build", str(book), "--out", str(out), "--format", "epub,pdf",
                                            "--no-gate", "-q"], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        builds.append(out)
    for name in ("odd-encodings.epub", "odd-encodings.pdf"):
        assert (builds[0] / name).read_bytes() == (builds[1] / name).read_bytes(), name
    with zipfile.ZipFile(builds[0] / "odd-encodings.epub") as z:
        infos = z.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}
        assert b"<meta property=\"dcterms:modified\">2023-11-14T22:13:20Z</meta>" in z.read("EPUB/content.opf")
    from pypdf import PdfReader

    reader = PdfReader(str(builds[0] / "odd-encodings.pdf"))
    assert reader.metadata["/CreationDate"].startswith("D:20231114221320")
    assert reader.metadata["/ModDate"].startswith("D:20231114221320")
    # The first /ID half is derived from the book's identifier, never random.
    identifier = Epub(builds[0] / "odd-encodings.epub").files["EPUB/content.opf"].split(b"<dc:identifier")[1]
    identifier = identifier.split(b">", 1)[1].split(b"<", 1)[0]
    assert reader.trailer["/ID"][0] == hashlib.sha256(identifier).hexdigest()[:32]
