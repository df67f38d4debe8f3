"""The `bookwright` command as an author meets it: exit codes, what each command writes (and
does not write), compiler-style messages, and a failed build that leaves dist/ alone."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bookwright.cli import main
from bookwright.build.pipeline import build

from support import BOOKS, ROOT, copy_book, epubcheck

MINIMAL = BOOKS / "minimal"
# The accessibility gate (EPUBCheck and Ace run by the build itself) has its own tests; here
# it would only cost time, and these tests run EPUBCheck on what they need.
NO_GATE = ["--no-gate"]


def bookkeeping(path: Path, folder: Path) -> bool:
    """The build's own records in the output folder (a cache, an outputs list), not editions."""
    return path.relative_to(folder).parts[0].startswith(".bookwright")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in the folder, temporary ones included, but the build's bookkeeping."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not bookkeeping(p, folder)}


def break_book(book: Path) -> None:
    chapter = book / "01-only.md"
    chapter.write_text(chapter.read_text() + "\nSee @sec-singel and ![gone](images/gone.png).\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The minimal book built once with the CLI's defaults: (book copy, out folder, console)."""
    root = tmp_path_factory.mktemp("cli")
    book = copy_book(MINIMAL, root)
    out = root / "out"
    with pytest.MonkeyPatch.context() as mp:
        lines = []
        mp.setattr("builtins.print", lambda *a, file=None, **k: lines.append(" ".join(map(str, a))))
        status = main(["build", str(book), "--out", str(out), "--format", "epub,pdf", *NO_GATE])
    return book, out, status, lines


# --- build --------------------------------------------------------------------------------------


def test_build_exits_0_and_names_outputs_after_the_book(built):
    book, out, status, _ = built
    assert status == 0
    assert sorted(snapshot(out)) == ["a-minimal-book.epub", "a-minimal-book.pdf"]


def test_each_output_is_reported_on_one_line(built):
    _, out, _, lines = built
    assert sorted(line.split()[0] for line in lines) == ["epub", "pdf"]
    for line in lines:
        fmt = line.split()[0]
        path = re.escape(str(out / f"a-minimal-book.{fmt}"))
        assert re.fullmatch(rf"{fmt}\s+{path}\s+[\d.]+ (B|KB|MB)(\s+\S.*)?\s+[\d.]+s", line)


def test_format_epub_builds_only_the_epub(tmp_path, capsys):
    status = main(["build", str(MINIMAL), "--out", str(tmp_path / "out"), "--format", "epub", "--quiet", *NO_GATE])
    assert status == 0
    assert sorted(snapshot(tmp_path / "out")) == ["a-minimal-book.epub"]
    assert capsys.readouterr().out == ""  # --quiet: problems only


def test_check_writes_nothing(tmp_path, monkeypatch, capsys):
    book = copy_book(MINIMAL, tmp_path)
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    assert main(["check", str(book), *NO_GATE]) == 0
    assert snapshot(tmp_path) == before
    assert "no problems found" in capsys.readouterr().out


def test_problems_exit_1_and_are_reported_compiler_style(tmp_path, capsys):
    book = copy_book(MINIMAL, tmp_path)
    break_book(book)
    assert main(["check", str(book)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == ("01-only.md:12:5: error: unknown reference @sec-singel; did you mean @sec-single "
                      "(defined at 01-only.md:8)?")
    assert err[1] == "01-only.md:12:29: error: image 'images/gone.png' does not exist"
    assert err[-1] == "2 error(s), 0 warning(s)"
    assert all(re.match(r"^\S+:\d+:\d+: error: ", line) for line in err[:2])


@pytest.mark.parametrize("argv", [
    [],
    ["publish"],
    ["build", "--format", "docx", str(MINIMAL)],
    ["build", "--format", "", str(MINIMAL)],
    ["build", "--quiet", "--verbose", str(MINIMAL)],
])
def test_bad_usage_exits_2(argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_a_book_folder_that_is_not_there_is_bad_usage(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nowhere")]) == 2
    assert main(["check", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_help_and_version_exit_0(capsys):
    assert main(["--version"]) == 0
    assert main(["build", "--help"]) == 0
    assert "--format" in capsys.readouterr().out


# --- failed builds ------------------------------------------------------------------------------


def test_a_failed_build_leaves_earlier_outputs_untouched(built, capsys):
    book, out, _, _ = built
    before = snapshot(out)
    break_book(book)
    try:
        assert main(["build", str(book), "--out", str(out), "--format", "epub,pdf", *NO_GATE]) == 1
    finally:
        (book / "01-only.md").write_bytes((MINIMAL / "01-only.md").read_bytes())
    assert snapshot(out) == before  # byte-identical, and no temporary files left beside them
    assert "error:" in capsys.readouterr().err


def test_a_writer_failing_midway_leaves_the_earlier_file_untouched(built, monkeypatch):
    book, out, _, _ = built
    before = snapshot(out)

    def half_written(self, book, target, context):
        Path(target).write_bytes(b"%PDF-1.7 half a book")
        raise RuntimeError("the machine ran out of something")

    monkeypatch.setattr("bookwright.writers.pdf.ScreenPdfEdition.write", half_written)
    with pytest.raises(RuntimeError):
        build(book, out, ("pdf",))
    assert snapshot(out) == before


# --- new ----------------------------------------------------------------------------------------


def test_new_then_build_in_an_empty_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "mybook"]) == 0
    assert (tmp_path / "mybook" / "book.toml").is_file()
    assert main(["build", "mybook", "--quiet", *NO_GATE]) == 0, capsys.readouterr().err
    dist = tmp_path / "dist"
    assert (dist / "mybook.pdf").read_bytes().startswith(b"%PDF-")
    assert epubcheck(dist / "mybook.epub") == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "mybook"]  # nothing else written


def test_new_takes_the_title_author_and_theme_and_asks_nothing(tmp_path, capsys):
    import tomllib

    from bookwright.build.pipeline import prepare_book
    from bookwright.diagnostics import Diagnostics

    book = tmp_path / "novel"
    assert main(["new", str(book), "--title", 'The "Night" Ferry', "--author", "Zoë Quill", "--theme", "literary"]) == 0
    text = (book / "book.toml").read_text(encoding="utf-8")
    toml = tomllib.loads(text)
    assert toml["book"]["title"] == 'The "Night" Ferry' and toml["book"]["authors"] == ["Zoë Quill"]
    assert toml["style"] == {"theme": "literary"}
    # The other style options are there to uncomment, each as book.toml accepts it.
    for key in ("body-font", "heading-font", "code-font", "font-size", "line-height", "opening", "ornament", "css"):
        assert f"# {key} = " in text, key
    uncommented = "\n".join(line[2:] if line.startswith("# ") and " = " in line.split("#")[1] else line
                             for line in text.splitlines())
    (book / "book.toml").write_text(uncommented, encoding="utf-8")
    (book / "extra.css").write_text("h1 { letter-spacing: 0.05em; }\n", encoding="utf-8")
    diags = Diagnostics(root=book)
    resolved = prepare_book(book, diags)
    assert diags.items == [] and resolved.config.style.body.name == "EB Garamond"
    assert main(["new", str(tmp_path / "other"), "--theme", "gothic"]) == 2
    assert "invalid choice: 'gothic'" in capsys.readouterr().err


def test_new_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["new", str(tmp_path)]) == 2
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert "not empty" in capsys.readouterr().err


# --- the installed command ------------------------------------------------------------------------


def test_console_script_and_module_exit_codes(tmp_path):
    script = Path(sys.executable).with_name("bookwright")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bookwright"]
    book = copy_book(MINIMAL, tmp_path)
    break_book(book)
    broken = subprocess.run(command + ["check", str(book)], capture_output=True, text=True, cwd=tmp_path)
    assert broken.returncode == 1
    assert "Traceback" not in broken.stderr
    assert re.search(r"^01-only\.md:\d+:\d+: error: ", broken.stderr, re.M)
    usage = subprocess.run([sys.executable, "-m", "bookwright", "build", "--format", "docx", str(book)],
                           capture_output=True, text=True, cwd=ROOT)
    assert usage.returncode == 2


def test_a_build_with_editions_side_by_side_prints_its_lines_and_nothing_else(tmp_path):
    # The EPUB and the site cut their fonts in threads of their own while the PDFs are laid
    # out; the font subsetter's own notes ("FFTM NOT subset") once reached the terminal when
    # the two cut at the same time.
    book = copy_book(BOOKS / "units-book", tmp_path)
    run = subprocess.run([sys.executable, "-m", "bookwright", "build", str(book), "--out", str(tmp_path / "dist"),
                          "--no-gate", "--jobs", "2"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    editions = ("pdf", "print-kdp", "print-ingram", "epub", "print-kdp-cover", "print-ingram-cover", "web")
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    assert sorted(line.split()[0] for line in lines) == sorted(editions), run.stdout
    for line in run.stderr.splitlines():  # the book's diagnostics, and nothing of a library's
        assert re.match(r"(\S+:\d+:\d+: (error|warning): |  hint: |\d+ error\(s\), \d+ warning\(s\)$)", line), line
