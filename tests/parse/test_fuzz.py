"""Issue 4: Markdown made from the syntax bookwright accepts (and raw HTML, and any
Unicode) either builds an EPUB that EPUBCheck passes and a PDF that opens, or fails with
diagnostics that name a line; never another exception.

The default run is short; BOOKWRIGHT_FUZZ_EXAMPLES=500 runs a longer one. The PDF is
laid out for the first few examples only (it costs seconds each).
"""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookwright.build.pipeline import build
from support import epubcheck

EXAMPLES = int(os.environ.get("BOOKWRIGHT_FUZZ_EXAMPLES", "15"))
PDF_EXAMPLES = max(3, EXAMPLES // 10)

WORD = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12) | st.sampled_from(
    ["trust", "café", "e\u0301", "שלום", "مرحبا", "漢字", "😀", "👩‍👩‍👧", "a&b", "<3", "x*y", "_", "`", "\\", "@", "#", "|"])
TEXT = st.lists(WORD, min_size=1, max_size=8).map(" ".join)
RAW_HTML = st.sampled_from([
    "<kbd>Ctrl</kbd>", '<abbr title="x & y">XY</abbr>', "<span lang=\"de\">Wort</span>", "<sub>2</sub>",
    "<script>alert(1)</script>", '<a href="javascript:alert(1)">x</a>', '<img src="x" onerror="alert(1)">',
    "<iframe src=\"http://127.0.0.1:9/\"></iframe>", "<em>unclosed", "</div>", "<div>", "<b><i>crossed</b></i>",
    "<form><input></form>", '<span style="color:red">red</span>', "<!-- comment -->", "<p>para", "<br>", "&nbsp;&amp;",
    '<a data-chapter="nope" data-id="x">y</a>', "<object data=x></object>", "<svg><circle r=1></svg>",
])
LABEL = st.sampled_from(["sec-a", "sec-b", "fig-a", "tbl-a", "sec-missing"])


@st.composite
def block(draw) -> str:
    kind = draw(st.sampled_from(["para", "heading", "list", "quote", "table", "note", "ref", "html", "code", "image"]))
    text = draw(TEXT)
    if kind == "heading":
        label = draw(st.none() | LABEL)
        return "#" * draw(st.integers(2, 6)) + " " + text + (f" {{#{label}}}" if label else "")
    if kind == "list":
        items = draw(st.lists(TEXT, min_size=1, max_size=4))
        depth = draw(st.integers(0, 3))
        marker = draw(st.sampled_from(["-", "*", "1."]))
        return "\n".join("    " * min(i, depth) + f"{marker} {item}" for i, item in enumerate(items))
    if kind == "quote":
        return "> " * draw(st.integers(1, 4)) + text
    if kind == "table":
        cells = draw(st.lists(TEXT.map(lambda t: t.replace("|", "/")), min_size=2, max_size=2))
        caption = draw(st.none() | TEXT)
        table = f"| A | B |\n|---|---|\n| {cells[0]} | {cells[1]} |"
        return table + (f"\n\n: {caption} {{#tbl-a}}" if caption else "")
    if kind == "note":
        return f"{text}[^n1]\n\n[^n1]: {draw(TEXT)}"
    if kind == "ref":
        return f"{text} @{draw(LABEL)} and [-@{draw(LABEL)}]."
    if kind == "html":
        return f"{text} {draw(RAW_HTML)} {draw(TEXT)}"
    if kind == "code":
        return f"```\n{text}\n```"
    if kind == "image":
        return f"![{text}](images/dot.png){{#fig-a}}"
    return text


DOCUMENT = st.tuples(TEXT, st.lists(block(), max_size=8)).map(
    lambda parts: f"# {parts[0]} {{#sec-top}}\n\n" + "\n\n".join(parts[1]) + "\n")
COUNTER = itertools.count()
DOT_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cf"
                        "c0000003010100c9fe92ef0000000049454e44ae426082")


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(chapters=st.lists(DOCUMENT, min_size=1, max_size=2), title=TEXT)
def test_any_book_builds_cleanly_or_fails_with_located_diagnostics(chapters, title):
    number = next(COUNTER)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "book"
        (root / "images").mkdir(parents=True)
        (root / "images" / "dot.png").write_bytes(DOT_PNG)
        toml_title = title.replace("\\", "\\\\").replace('"', '\\"')
        (root / "book.toml").write_text(
            f'[book]\ntitle = "{toml_title}"\nauthors = ["{toml_title}"]\nlanguage = "en"\n', encoding="utf-8")
        for index, text in enumerate(chapters, 1):
            (root / f"{index:02d}-chapter.md").write_text(text, encoding="utf-8")
        formats = ("epub", "pdf") if number < PDF_EXAMPLES else ("epub",)
        result = build(root, Path(folder) / "out", formats)  # any exception fails the test
        errors = result.diagnostics.errors
        if errors:
            assert not result.outputs
            for error in errors:
                assert error.path.endswith((".md", ".toml")), error.format()
                assert error.line >= 1 or error.path == "book.toml", error.format()
            return
        outputs = {o.format: o.path for o in result.outputs}
        assert epubcheck(outputs["epub"]) == []
        if "pdf" in outputs:
            from pypdf import PdfReader

            assert len(PdfReader(str(outputs["pdf"])).pages) >= 1


# --- issue 16: the constructs real manuscripts use, nested in every way ---------------------
#
# Words here are plain letters, so that any markup character in an edition's text can only be
# a construct that was printed literally instead of understood.

SAFE_WORD = st.sampled_from(["trust", "loop", "team", "café", "repair", "Ølstad", "notes", "time"])
SAFE_TEXT = st.lists(SAFE_WORD, min_size=1, max_size=4).map(" ".join)
FORMULA = st.sampled_from(["$d$", "$x^2$", "$\\alpha_1$", "$N = 30$", "$a < b$"])
QUOTED = st.sampled_from(['"Cohen\'s $d$"', '"x `y"', '"a `b` c"', "'single $x$'", '"braces {1,2}"', '"star *x*"'])
# Markup that must never reach a reader's text when it is one of these constructs.
MARKUP = ("^[", "]{", "{.", "{#", "$", "`", "[@", "@sec", "@fig", "@tbl", "[^", "\\", "*", "~", ":::")


@st.composite
def inline(draw, depth: int = 0) -> str:
    """A run of text with the inline constructs, each possibly holding another."""
    kinds = ["text", "math", "span", "idx", "emph", "ref"] + (["nested", "inline_note"] if depth < 2 else [])
    kind = draw(st.sampled_from(kinds))
    text = draw(SAFE_TEXT)
    if kind == "math":
        return f"{text} {draw(FORMULA)}"
    if kind == "span":
        return f"[{text}]{{.smallcaps}}"
    if kind == "idx":
        term = draw(QUOTED)
        return f"[{text}]{{.idx term={term}}}" if draw(st.booleans()) else f"[]{{.idx term={term}}}"
    if kind == "emph":
        return f"*{text}*"
    if kind == "ref":
        prefix = draw(st.sampled_from(["", "see *the* ", "Fig. ", "-"]))
        return f"[{prefix}@sec-top]" if prefix != "-" else "[-@sec-top]"
    if kind == "nested":
        inner = draw(inline(depth + 1))
        return f"[{text} {inner}]{{.smallcaps}}"
    if kind == "inline_note":  # and a note in a note, when the inner run is one too
        return f"{text}.^[{draw(inline(depth + 1))}]"
    return text


@st.composite
def construct_block(draw, depth: int = 0) -> str:
    kinds = ["para", "figure", "table", "note"] + (["div", "grid"] if depth < 2 else [])
    kind = draw(st.sampled_from(kinds))
    runs = " ".join(draw(st.lists(inline(), min_size=1, max_size=4)))
    if kind == "div":  # callouts, margin and conditional content, holding any block (a div too)
        opening = draw(st.sampled_from(["{.callout-note}", "{.callout-tip collapse=\"true\"}", "{.column-margin}",
                                        "{.content-visible when-format=\"html\"}", "{.content-hidden unless-format=\"pdf\"}",
                                        '{.callout-warning title="A $x$ title"}']))
        heading = draw(st.sampled_from(["", f"## {draw(SAFE_TEXT)}\n\n"]))
        fence = ":" * (3 + 2 - depth)  # inner fences shorter, as authors write them
        return f"{fence} {opening}\n{heading}{draw(construct_block(depth + 1))}\n{fence}"
    if kind == "grid":
        cell = draw(inline()).replace("|", "/")
        width = max(len(cell), 4) + 2
        return (f"+{'-' * width}+\n| {cell.ljust(width - 1)}|\n+{'=' * width}+\n| {'x'.ljust(width - 1)}|\n"
                f"+{'-' * width}+\n\n: {runs}")
    if kind == "figure":
        attributes = draw(st.sampled_from(["", "{#fig-a}", "{fig-alt=\"A dot, $x$\"}", "{width=50%}"]))
        return f"![{runs}](images/dot.png){attributes}"
    if kind == "table":
        return f"| A | B |\n|---|---|\n| {draw(inline())} | {draw(inline())} |\n\n: {runs} {{#tbl-a}}"
    if kind == "note":
        return f"{draw(SAFE_TEXT)}[^n{draw(st.integers(1, 3))}]\n\n[^n{draw(st.integers(1, 3))}]: {runs}"
    return runs


CONSTRUCT_DOCUMENT = st.lists(construct_block(), min_size=1, max_size=6).map(
    lambda blocks: "# Top {#sec-top}\n\n" + "\n\n".join(blocks) + "\n")


def reader_text(root) -> str:
    """What a reader sees of an (X)HTML tree: its text, without code and formulas' TeX."""
    parts = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = el.tag.rsplit("}", 1)[-1]
        inside = any(a.tag.rsplit("}", 1)[-1] in ("code", "pre", "math", "script", "style", "head")
                     for a in el.iterancestors() if isinstance(a.tag, str))
        if not inside and name not in ("code", "pre", "math", "script", "style", "head") and el.text:
            parts.append(el.text)
        if el.tail and not inside:
            parts.append(el.tail)
    return " ".join(parts)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(chapter=CONSTRUCT_DOCUMENT)
def test_nested_constructs_never_crash_and_never_print_markup(chapter):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "book"
        (root / "images").mkdir(parents=True)
        (root / "images" / "dot.png").write_bytes(DOT_PNG)
        (root / "book.toml").write_text('[book]\ntitle = "T"\nauthors = ["A"]\nlanguage = "en"\n', encoding="utf-8")
        (root / "01-chapter.md").write_text(chapter, encoding="utf-8")
        result = build(root, Path(folder) / "out", ("epub", "web"))  # any exception fails the test
        errors = result.diagnostics.errors
        if errors:
            for error in errors:
                assert error.path.endswith(".md") and error.line >= 1, error.format()
            return
        outputs = {o.format: o.path for o in result.outputs}
        from lxml import html as lxml_html

        from support.readback import Epub

        texts = [reader_text(doc) for doc in Epub(outputs["epub"]).documents.values()]
        texts += [reader_text(lxml_html.parse(str(page)).getroot()) for page in outputs["web"].glob("*.html")]
        for text in texts:
            for mark in MARKUP:
                assert mark not in text, (mark, text, chapter)
