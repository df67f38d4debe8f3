"""[style], [copyright] and the new [book] and [web] keys as book.toml gives them: what each
value means, and a located error for each bad one."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from bookwright.diagnostics import Diagnostics
from bookwright.load import load_book
from bookwright.load.config import load_config
from bookwright.load.themes import bundled_families, bundled_themes
from bookwright.paths import theme_dir

MINIMAL = """\
[book]
title = "The Test Book"
authors = ["Ann Author"]
language = "en"
"""
GARAMOND = theme_dir() / "fonts" / "eb-garamond"


def read(folder: Path, extra: str):
    (folder / "book.toml").write_text(MINIMAL + textwrap.dedent(extra), encoding="utf-8")
    (folder / "01-a.md").write_text("# A chapter\n\nText.\n", encoding="utf-8")
    diags = Diagnostics(root=folder)
    loaded = load_config(folder, diags)
    return (loaded[0] if loaded else None), [d.format().splitlines()[0] for d in diags.sorted()], diags


def test_without_style_the_book_is_classic_in_libertine(tmp_path):
    config, messages, _ = read(tmp_path, "")
    assert messages == []
    style = config.style
    assert style.theme.name == "classic"
    assert (style.body.name, style.heading.name, style.code.name) == (
        "Linux Libertine", "Linux Libertine", "Linux Libertine Mono")
    assert (style.chapter_opening, style.scene_break, style.size("pdf"), style.leading("web")) == (
        "plain", "⁂", "11pt", "1.55")


def test_a_theme_brings_its_faces_opening_and_ornament(tmp_path):
    config, messages, _ = read(tmp_path, '[style]\ntheme = "literary"\n')
    assert messages == []
    assert config.style.body.name == "EB Garamond"
    assert (config.style.chapter_opening, config.style.scene_break) == ("drop-cap", "❦")


def test_an_unknown_theme_is_an_error_at_its_line_with_the_themes_named(tmp_path):
    _, messages, diags = read(tmp_path, '[style]\ntheme = "modrn"\n')
    assert messages == ["book.toml:6:1: error: unknown theme 'modrn'"]
    assert diags.errors[0].hint == "did you mean 'modern'? bundled themes: " + ", ".join(bundled_themes())


def test_book_toml_overrides_what_the_theme_says(tmp_path):
    config, messages, _ = read(tmp_path, """\
        [style]
        theme = "modern"
        body-font = "eb garamond"
        opening = "plain"
        ornament = "* * *"
        font-size = { pdf = "10pt", print = "9.5pt", epub = "110%", web = "19px" }
        line-height = 1.5
        """)
    assert messages == []
    style = config.style
    assert style.body is bundled_families()["EB Garamond"] and style.heading.name == "Inter"
    assert (style.chapter_opening, style.scene_break) == ("plain", "* * *")
    assert [style.size(e) for e in ("pdf", "print", "epub", "web")] == ["10pt", "9.5pt", "110%", "19px"]
    assert {style.leading(e) for e in ("pdf", "print", "epub", "web")} == {"1.5"}


def test_one_size_is_for_the_pdfs_and_a_length_leading_too(tmp_path):
    config, messages, _ = read(tmp_path, '[style]\nfont-size = 10.5\nline-height = "14pt"\n')
    assert messages == []
    style = config.style
    assert (style.size("pdf"), style.size("print"), style.size("web")) == ("10.5pt", "10.5pt", "112.5%")
    assert (style.leading("pdf"), style.leading("epub")) == ("14pt", "1.4")


@pytest.mark.parametrize("line, message", [
    ('body-font = "Comic Sans"', "[style] body-font: 'Comic Sans' is neither a bundled typeface nor a font file"),
    ('code-font = "fonts/nope.otf"', "[style] code-font: font file 'fonts/nope.otf' does not exist"),
    ('heading-font = "../outside.ttf"', "[style] heading-font: font file '../outside.ttf' is outside the book folder"),
    ('font-size = "huge"', "[style] font-size must be a size such as 10.5pt for the PDFs, not 'huge'"),
    ('font-size = "20pt"', "[style] font-size 20pt is outside 7pt to 16pt"),
    ('font-size = { web = "11pt" }', "[style] font-size.web must be a size such as 19px or 110%, not '11pt'"),
    ('font-size = { epub = "300%" }', "[style] font-size.epub 300% is outside 75% to 150%"),
    ('font-size = { kindle = "1em" }', "[style] font-size: unknown edition 'kindle'"),
    ('line-height = 4', "[style] line-height 4 is outside 1.0 to 2.5"),
    ('line-height = { web = "20px" }', "[style] line-height must be a number such as 1.35 for web, not '20px'"),
    ('opening = "fancy"', "unknown chapter opening 'fancy'"),
    ('ornament = "a very long ornament indeed"', '[style] ornament must be a few characters such as "❦" or "* * *", '
                                                 "not 'a very long ornament indeed'"),
    ('css = ["missing.css"]', "[style] css: 'missing.css' does not exist"),
    ('css = ["https://example.org/x.css"]', "[style] css: 'https://example.org/x.css' is not a file inside the book folder"),
    ('css = { kindle = ["x.css"] }', "[style] css: unknown edition 'kindle'"),
])
def test_a_bad_style_value_is_an_error_at_its_line(tmp_path, line, message):
    _, messages, _ = read(tmp_path, f"[style]\n{line}\n")
    # At the key, or at the file's name in the list.
    column = line.index('"', line.index("[")) + 1 if line.startswith("css = [") else 1
    assert messages == [f"book.toml:6:{column}: error: {message}"]


def test_the_old_pdf_type_keys_say_where_they_moved(tmp_path):
    _, messages, diags = read(tmp_path, '[pdf]\nfont-size = "10pt"\nopening = "drop-cap"\n')
    assert messages == ["book.toml:6:1: error: 'font-size' is no longer in [pdf]",
                        "book.toml:7:1: error: 'opening' is no longer in [pdf]"]
    assert diags.errors[0].hint == "it moved to [style], where it sets every edition's type"


def copy_garamond(folder: Path, *names: str) -> None:
    (folder / "fonts").mkdir(exist_ok=True)
    for name in names:
        shutil.copyfile(GARAMOND / name, folder / "fonts" / name)


def test_a_font_file_brings_its_other_styles_found_beside_it(tmp_path):
    copy_garamond(tmp_path, "EBGaramond-Regular.ttf", "EBGaramond-Italic.ttf", "EBGaramond-Bold.ttf")
    (tmp_path / "fonts" / "notes.txt").write_text("not a font")
    config, messages, _ = read(tmp_path, '[style]\nbody-font = "fonts/EBGaramond-Regular.ttf"\n')
    assert messages == []
    face = config.style.body
    assert (face.name, face.bundled, face.kind) == ("EB Garamond", False, "serif")
    assert sorted((f.path.name, f.weight, f.style) for f in face.files) == [
        ("EBGaramond-Bold.ttf", 700, "normal"), ("EBGaramond-Italic.ttf", 400, "italic"),
        ("EBGaramond-Regular.ttf", 400, "normal")]


def test_a_table_names_each_style_s_file(tmp_path):
    copy_garamond(tmp_path, "EBGaramond-Regular.ttf", "EBGaramond-BoldItalic.ttf")
    config, messages, _ = read(tmp_path, """\
        [style]
        heading-font = { regular = "fonts/EBGaramond-Regular.ttf", bold-italic = "fonts/EBGaramond-BoldItalic.ttf" }
        """)
    assert messages == []
    assert sorted((f.weight, f.style) for f in config.style.heading.files) == [(400, "normal"), (700, "italic")]


def test_a_table_without_a_regular_style_is_an_error(tmp_path):
    copy_garamond(tmp_path, "EBGaramond-Italic.ttf")
    _, messages, _ = read(tmp_path, '[style]\nbody-font = { italic = "fonts/EBGaramond-Italic.ttf", heavy = "x" }\n')
    assert messages == ["book.toml:6:1: error: [style] body-font names no regular style",
                        "book.toml:6:1: error: [style] body-font: unknown style 'heavy'"]


def test_a_file_that_is_not_a_font_is_an_error_at_its_line(tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "Broken.otf").write_bytes(b"OTTO" + b"\0" * 40)
    _, messages, _ = read(tmp_path, '[style]\nbody-font = "fonts/Broken.otf"\n')
    (message,) = messages
    assert message.startswith("book.toml:6:1: error: [style] body-font: 'fonts/Broken.otf' cannot be read as a font (")


def test_a_font_whose_licence_forbids_embedding_is_an_error(tmp_path):
    (tmp_path / "fonts").mkdir()
    with TTFont(str(GARAMOND / "EBGaramond-Regular.ttf")) as font:
        font["OS/2"].fsType = 0x0002
        font.save(str(tmp_path / "fonts" / "Restricted.ttf"))
    _, messages, diags = read(tmp_path, '[style]\ncode-font = "fonts/Restricted.ttf"\n')
    assert messages == ["book.toml:6:1: error: [style] code-font: 'fonts/Restricted.ttf' cannot be used: its licence "
                        "forbids embedding it (OS/2 fsType: restricted)"]
    assert "Open Font License" in diags.errors[0].hint


def test_the_author_s_css_is_read_with_its_imports_and_files_inside_the_book(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "base.css").write_text("p { color: #111111; }\n")
    (tmp_path / "paper.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "css" / "extra.css").write_text(
        '@import "base.css";\nbody { background: url("../paper.png"); }\n.x { background: url(data:image/png;base64,AA==); }\n')
    config, messages, _ = read(tmp_path, '[style]\ncss = { all = ["css/extra.css"], web = ["css/base.css"] }\n')
    assert messages == []
    pdf = config.style.stylesheets("pdf")
    assert [s.path.name for s in pdf] == ["base.css", "extra.css"]
    extra = pdf[1]
    assert extra.text.splitlines()[0].strip() == "" and len(extra.text) == len((tmp_path / "css" / "extra.css").read_text())
    assert extra.resources == ((tmp_path / "paper.png").resolve(),)
    assert [s.path.name for s in config.style.stylesheets("web")] == ["base.css", "extra.css"]  # base.css once


def test_the_author_s_css_reads_nothing_from_outside_the_book(tmp_path):
    (tmp_path / "extra.css").write_text(
        '@import url("https://fonts.example.org/face.css");\n'
        "h1 { background: url(../../etc/passwd); }\n"
        "h2 { background: url(missing.png); }\n")
    _, messages, _ = read(tmp_path, '[style]\ncss = ["extra.css"]\n')
    assert messages == [
        "extra.css:1:1: error: @import 'https://fonts.example.org/face.css' is not a file of the book: a build reads "
        "nothing from the network or outside the book folder",
        "extra.css:2:18: error: url() '../../etc/passwd' is outside the book folder",
        "extra.css:3:18: error: url() 'missing.png' does not exist",
    ]


def test_copyright_lines_and_the_ebook_isbn(tmp_path):
    config, messages, _ = read(tmp_path, """\
        [copyright]
        edition = "First edition"
        credits = ["Cover by Ann Other"]
        lines = ["CIP data: a record is available", "", "10 9 8 7 6 5 4 3 2 1"]
        """)
    assert messages == []
    assert (config.copyright.edition, config.copyright.credits) == ("First edition", ("Cover by Ann Other",))
    assert config.copyright.lines[1] == ""


def test_the_ebook_isbn_is_checked_and_becomes_the_identifier(tmp_path):
    (tmp_path / "book.toml").write_text(MINIMAL + 'isbn-ebook = "978-0-00-000001-9"\n', encoding="utf-8")
    (tmp_path / "01-a.md").write_text("# A\n", encoding="utf-8")
    config, _ = load_config(tmp_path, Diagnostics(root=tmp_path))
    assert config.metadata.isbn_ebook == config.metadata.identifier == "urn:isbn:9780000000019"
    (tmp_path / "book.toml").write_text(MINIMAL + 'isbn-ebook = "978-0-00-000001-8"\n', encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    load_config(tmp_path, diags)
    assert [d.format().splitlines()[0] for d in diags.sorted()] == [
        "book.toml:5:1: error: [book] isbn-ebook '978-0-00-000001-8' is not a valid ISBN"]


@pytest.mark.parametrize("extra, message", [
    ('[web]\ndownloads = ["epub", "kindle"]\n', "book.toml:6:22: error: [web] downloads: 'kindle' is not an edition "
                                               "the site can offer"),
    ('[web.links]\n"Shop" = "ftp://example.org/"\n', "book.toml:6:10: error: [web] links: the address for 'Shop' is "
                                                    "not a web address"),
    ('[web]\nchapters = []\n', "book.toml:6:1: error: [web] chapters is empty: the site would publish no chapter"),
    ('[web]\nchapters = ["02-b.md"]\n', "book.toml:6:13: error: [web] chapters: '02-b.md' is not one of the book's "
                                       "chapters"),
    ('[web]\nheader = "header.txt"\n', "book.toml:6:1: error: [web] header 'header.txt' must be a .html or .htm file"),
    ('[web]\nfooter = "nope.html"\n', "book.toml:6:1: error: [web] footer 'nope.html' does not exist"),
    ('[web]\nallow-scripts = ["https://cdn.example.org/a.js"]\n', "book.toml:6:18: error: [web] allow-scripts: "
                                                                  "'https://cdn.example.org/a.js' is not a file inside "
                                                                  "the book folder"),
])
def test_a_bad_web_value_is_an_error_at_its_line(tmp_path, extra, message):
    (tmp_path / "book.toml").write_text(MINIMAL + extra, encoding="utf-8")
    (tmp_path / "01-a.md").write_text("# A\n", encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    try:
        load_book(tmp_path, diags)
    except Exception:
        pass
    assert [d.format().splitlines()[0] for d in diags.sorted()] == [message]


def test_the_web_offers_the_epub_and_pdf_unless_told_and_nothing_from_a_sample(tmp_path):
    config, messages, _ = read(tmp_path, "")
    assert config.web.offered == ("epub", "pdf")
    config, messages, _ = read(tmp_path, '[web]\nchapters = ["01-a.md"]\n')
    assert config.web.offered == () and config.web.sample
    config, messages, _ = read(tmp_path, '[web]\nchapters = ["01-a.md"]\ndownloads = ["epub"]\n')
    assert config.web.offered == ("epub",)
