"""Issue 16: `bookwright import quarto|bookdown DIR` writes the book.toml of a Quarto or
Bookdown project and reports what it could not carry over; the Quarto book in
tests/books/quarto-book (written in Quarto's own style: parts, appendices, callouts, a
figure panel, inline notes, conditional content, an include, citations in captions)
then builds with no problem and passes the EPUB's gate (EPUBCheck and Ace)."""

from __future__ import annotations

import contextlib
import io
import shutil
import tomllib
from lxml import html

from bookwright.build.pipeline import build
from bookwright.cli import main
from support import BOOKS, diagnostics_text, make_book
from support.readback import Epub, pdf_page_texts
from support.reader_text import markup_in, outside_code


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def test_a_quarto_book_imports_builds_and_passes_the_gate(tmp_path):
    root = tmp_path / "quarto-book"
    shutil.copytree(BOOKS / "quarto-book", root)
    status, out, err = run("import", "quarto", str(root))
    assert status == 0, err
    config = tomllib.loads((root / "book.toml").read_text(encoding="utf-8"))["book"]
    assert config["title"] == "A Keeper's Year" and config["subtitle"] == "Notes from a small lighthouse"
    assert config["authors"] == ["Mara Quill", "Tobias Fenn"] and config["language"] == "en"
    assert config["chapters"] == ["index.qmd", {"part": "The light", "chapters": ["lamp.qmd", "lens.qmd"]},
                                  {"part": "The log", "chapters": ["log.qmd"]}]
    assert config["appendices"] == ["glossary.qmd"] and config["bibliography"] == "references.bib"
    assert "  - format: (how Quarto renders the book)" in out.splitlines()
    assert "  - execute: (how Quarto renders the book)" in out.splitlines()

    result = build(root, tmp_path / "out", ("pdf", "epub", "web"), gate=True)
    assert result.diagnostics.items == [], diagnostics_text(result)
    outputs = {o.format: o for o in result.outputs}
    assert "EPUBCheck and Ace: no problems" in outputs["epub"].note and "conformance claimed" in outputs["epub"].note
    docs = Epub(outputs["epub"].path).documents
    for name, doc in docs.items():
        assert markup_in(outside_code(doc)) == [], name
    for page in outputs["web"].path.glob("*.html"):
        article = html.parse(str(page)).getroot().find(".//article")
        if article is not None:
            assert markup_in(outside_code(article)) == [], page.name
    pdf = " ".join(pdf_page_texts(outputs["pdf"].path))
    assert markup_in(pdf) == []
    # What the reader meets: parts, a callout titled by its heading, the panel's sub-figure,
    # the include, a citation in a caption, the PDF-only sentence in the PDF only.
    lens = " ".join(outside_code(next(d for n, d in docs.items() if n.endswith("lens.xhtml"))).split())
    assert "Figure 2.1 shows the whole; Figure 2.1(a) is the lens alone." in lens
    assert "after (Fenwick, 1887/1975)" in lens
    assert "On the web" not in lens and "A printed copy" not in lens
    assert "A printed copy carries the full table of orders in Table 2.1." in pdf
    assert "Warm the mantle" in pdf and "The watch begins at dusk" in pdf
    assert "The light" in pdf and "The log" in pdf
    nav = next(d for n, d in docs.items() if n.endswith("nav.xhtml"))
    assert "Appendix A. Glossary" in " ".join(nav.itertext()) or "A. Glossary" in " ".join(nav.itertext())


def test_an_existing_book_toml_is_kept_unless_forced(tmp_path):
    root = tmp_path / "quarto-book"
    shutil.copytree(BOOKS / "quarto-book", root)
    (root / "book.toml").write_text("[book]\n", encoding="utf-8")
    status, _, err = run("import", "quarto", str(root))
    assert status == 1 and "exists already; --force replaces it" in err
    assert (root / "book.toml").read_text() == "[book]\n"
    status, _, _ = run("import", "quarto", str(root), "--force")
    assert status == 0 and "A Keeper's Year" in (root / "book.toml").read_text()


def test_a_folder_without_a_quarto_project_is_an_error(tmp_path):
    status, _, err = run("import", "quarto", str(tmp_path))
    assert status == 1 and "no _quarto.yml" in err


def test_a_bookdown_book_imports_with_its_parts_appendices_and_chunks_reported(tmp_path):
    root = make_book(tmp_path / "bd", {
        "index.Rmd": "---\ntitle: \"Tide Tables\"\nauthor: \"Ivo Marsh and Lena Pike\"\nbibliography: [a.bib, b.bib]\n"
                     "site: bookdown::bookdown_site\n---\n\n# Preface {-}\n\nWhy tides matter.\n",
        "_bookdown.yml": "book_filename: tides\nrmd_files: [index.Rmd, part1.Rmd, 01-moon.Rmd, 02-sun.Rmd, 99-app.Rmd]\n",
        "part1.Rmd": "# (PART) The bodies {-}\n",
        "01-moon.Rmd": "# The moon {#moon}\n\nSee Figure \\@ref(fig:orbit).\n\n```{r fig-orbit, fig.cap='The orbit'}\n"
                       "plot(1:10)\n```\n",
        "02-sun.Rmd": "# The sun\n\nText.\n\n# (APPENDIX) Appendix {-}\n",
        "99-app.Rmd": "# Tables\n\nNumbers.\n",
        "a.bib": "@book{k, title={T}, author={A, B}, year={2000}}\n", "b.bib": "",
    }, toml="")
    (root / "book.toml").unlink()
    status, out, err = run("import", "bookdown", str(root))
    assert status == 0, err
    config = tomllib.loads((root / "book.toml").read_text(encoding="utf-8"))["book"]
    assert config["title"] == "Tide Tables" and config["authors"] == ["Ivo Marsh", "Lena Pike"]
    assert config["chapters"] == ["index.Rmd", {"part": "The bodies", "chapters": ["01-moon.Rmd", "02-sun.Rmd"]}]
    assert config["appendices"] == ["99-app.Rmd"] and config["bibliography"] == "a.bib"
    report = out.splitlines()
    assert "  - bibliography b.bib: book.toml names one bibliography; merge it into a.bib" in report
    assert any("01-moon.Rmd:5: the chunk 'fig-orbit' would have made a figure" in line for line in report)
    assert any("01-moon.Rmd: 1 Bookdown reference(s)" in line for line in report)
    assert any("part1.Rmd: '# (PART) The bodies' is the part in book.toml" in line for line in report)
    status, _, err = run("check", str(root), "--no-gate")
    assert status == 0, err
    assert "01-moon.Rmd:3:12: warning: Bookdown's \\@ref(fig:orbit) is read as the number of #fig-orbit" in err
    assert "02-sun.Rmd:5:1: warning: Bookdown's (APPENDIX) heading is left out" in err
