"""One chapter's Markdown → HTML tree plus what it declares (headings, labels, images)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from lxml import html

from bookwright.diagnostics import Diagnostics
from bookwright.model import ChapterSource
from bookwright.parse import parse_chapter

CHAPTER_PATH = Path("/book/ch.md")


def parse(markdown: str, language: str = "en"):
    source = ChapterSource(path=CHAPTER_PATH, rel="ch.md", key="ch", role="chapter", part=None,
                           text=textwrap.dedent(markdown))
    diags = Diagnostics(root=CHAPTER_PATH.parent)
    return parse_chapter(source, language, diags), diags


def canonical(el) -> str:
    """A tree's shape for comparison: whitespace between blocks and attribute order ignored."""

    def walk(node) -> str:
        attrs = "".join(f' {k}="{v}"' for k, v in sorted(node.attrib.items()))
        inner = [(node.text or "")]
        for child in node:
            inner.append(walk(child))
            inner.append(child.tail or "")
        text = "".join(inner)
        return f"<{node.tag}{attrs}>{text}</{node.tag}>"

    def strip(node):
        for e in node.iter():
            if e.text is not None and not e.text.strip() and len(e):
                e.text = None
            if e.tail is not None and not e.tail.strip():
                e.tail = None
        return node

    return walk(strip(el))


def assert_renders(markdown: str, expected_html: str, language: str = "en") -> None:
    """The chapter body (after its `# Title`) equals `expected_html`, up to layout whitespace."""
    parsed, diags = parse("# Title\n\n" + textwrap.dedent(markdown), language)
    assert diags.errors == []
    body = parsed.body
    body.remove(body[0])  # the title heading every chapter needs
    expected = html.fragment_fromstring(textwrap.dedent(expected_html).strip(), create_parent="div")
    assert canonical(body) == canonical(expected)


# --- figures, tables, listings ------------------------------------------------------------------


def test_image_alone_in_its_paragraph_is_a_figure_with_a_caption():
    assert_renders(
        "![How trust grows](images/loop.svg){#fig-loop}\n",
        # The whole-book pass sets alt from the caption once references in it have their text.
        '<figure id="fig-loop"><img alt="How trust grows" data-alt="caption" src="images/loop.svg">'
        "<figcaption>How trust grows</figcaption></figure>",
    )


def test_figure_alt_text_other_than_its_caption():
    assert_renders(
        '![The loop](loop.svg){#fig-loop .wide fig-alt="Four arrows in a circle"}\n',
        '<figure id="fig-loop" class="wide"><img alt="Four arrows in a circle" src="loop.svg">'
        "<figcaption>The loop</figcaption></figure>",
    )


def test_image_inside_text_or_without_alt_stays_an_image():
    assert_renders(
        "An ![icon](icon.png) inline.\n\n![](bare.png)\n",
        '<p>An <img alt="icon" src="icon.png"> inline.</p><p><img alt="" src="bare.png"></p>',
    )


def test_table_caption_with_label():
    assert_renders(
        """\
        | Name | Count |
        |------|------:|
        | a    | 1     |

        : Small numbers {#tbl-small}
        """,
        """
        <table id="tbl-small"><caption>Small numbers</caption>
        <thead><tr><th>Name</th><th style="text-align:right">Count</th></tr></thead>
        <tbody><tr><td>a</td><td style="text-align:right">1</td></tr></tbody></table>
        """,
    )


def test_table_caption_pandoc_style():
    assert_renders(
        "| A |\n|---|\n| 1 |\n\nTable: Plain caption\n",
        "<table><caption>Plain caption</caption><thead><tr><th>A</th></tr></thead>"
        "<tbody><tr><td>1</td></tr></tbody></table>",
    )


def test_a_colon_line_without_a_table_is_a_definition():
    assert_renders("Term\n: Its definition\n", "<dl><dt>Term</dt><dd>Its definition</dd></dl>")


def test_listing_with_label_and_caption():
    assert_renders(
        """\
        ```{#lst-plain .text lst-cap="A plain listing"}
        if a < b:
            go()
        ```
        """,
        '<figure class="listing" id="lst-plain"><figcaption>A plain listing</figcaption>'
        '<pre class="code" data-lang="text"><code>if a &lt; b:\n    go()\n</code></pre></figure>',
    )


def test_fenced_code_is_highlighted_and_unlabelled_code_is_no_figure():
    parsed, _ = parse("# T\n\n```python\nx = 'one'\n```\n\n~~~\nplain\n~~~\n")
    first, second = parsed.body.findall("pre")
    assert first.get("data-lang") == "python"
    tokens = {(span.get("class"), span.text) for span in first.iter("span")}
    assert ("n", "x") in tokens and ("s1", "'one'") in tokens  # Pygments' token classes
    assert second.get("data-lang") is None and second.text_content() == "plain\n"
    assert parsed.body.find("figure") is None


def test_unknown_code_language_is_plain_text():
    assert_renders("```nosuchlanguage\n<x>\n```\n",
                   '<pre class="code" data-lang="nosuchlanguage"><code>&lt;x&gt;\n</code></pre>')


# --- typography ---------------------------------------------------------------------------------


def test_smart_punctuation_in_english():
    assert_renders(
        "\"Double\" and 'single' -- it's 1990--2000 --- done...\n",
        "<p>\u201cDouble\u201d and \u2018single\u2019 \u2013 it\u2019s 1990\u20132000 \u2014 done\u2026</p>",
    )


def test_quotes_follow_the_book_language():
    text = "\"Oui\", 'non', l'homme.\n"
    assert_renders(text, "<p>\u00ab\u202fOui\u202f\u00bb, \u2039non\u203a, l\u2019homme.</p>", language="fr")
    assert_renders(text, "<p>\u201eOui\u201c, \u201anon\u2018, l\u2019homme.</p>", language="de-AT")
    assert_renders(text, "<p>\u00abOui\u00bb, \u2018non\u2019, l\u2019homme.</p>", language="es")
    assert_renders(text, "<p>\u201cOui\u201d, \u2018non\u2019, l\u2019homme.</p>", language="en-GB")


def test_apostrophes_are_never_quotation_marks():
    # In German a closing single quote is ‘; an apostrophe is still ’.
    assert_renders("Wie geht's? Die '90s.\n", "<p>Wie geht\u2019s? Die \u201990s.</p>", language="de")


def test_code_keeps_straight_quotes():
    assert_renders("Type `\"x\" -- y`.\n", '<p>Type <code>"x" -- y</code>.</p>')


# --- extra ------------------------------------------------------------------------------------


def test_footnotes_are_recognised():
    parsed, _ = parse("# T\n\nText[^a] and[^b].\n\n[^a]: First *note*.\n[^b]: Second.\n")
    calls = parsed.body.xpath(".//sup/a[@class='footnote-ref']")
    assert [a.get("href") for a in calls] == ["#fn:a", "#fn:b"]
    notes = parsed.body.xpath(".//div[@class='footnote']//li")
    assert [li.get("id") for li in notes] == ["fn:a", "fn:b"]
    assert notes[0].find("p").text_content().strip() == "First note."


def test_abbreviations():
    assert_renders(
        "Our OKR list.\n\n*[OKR]: Objectives and Key Results\n",
        '<p>Our <abbr title="Objectives and Key Results">OKR</abbr> list.</p>',
    )


def test_definition_lists():
    assert_renders(
        "Trust\n:   A record of kept promises.\n\nCandour\n:   Saying it plainly.\n",
        "<dl><dt>Trust</dt><dd>A record of kept promises.</dd><dt>Candour</dt><dd>Saying it plainly.</dd></dl>",
    )


def test_attribute_lists_on_headings_and_paragraphs():
    assert_renders(
        "## A section {#sec-a .intro}\n\nA lead paragraph.\n{: .lead #p-lead}\n",
        '<h2 id="sec-a" class="intro">A section</h2><p class="lead" id="p-lead">A lead paragraph.</p>',
    )


def test_headings_without_a_label_get_an_id():
    parsed, _ = parse("# Title\n\n## Où est-ce ?\n")
    assert [h.get("id") for h in parsed.body.iter("h1", "h2")] == ["title", "où-est-ce"]


def test_markdown_inside_html_blocks():
    assert_renders('<div class="box" markdown="1">\n*inside*\n</div>\n',
                   '<div class="box"><p><em>inside</em></p></div>')


# --- raw HTML -----------------------------------------------------------------------------------


def test_inline_semantics_are_kept():
    assert_renders(
        'Press <kbd>Ctrl</kbd>, read H<sub>2</sub>O, say <span lang="de">Hallo</span>.\n',
        '<p>Press <kbd>Ctrl</kbd>, read H<sub>2</sub>O, say <span lang="de">Hallo</span>.</p>',
    )


def test_behaviour_is_removed_from_raw_html():
    assert_renders(
        """\
        <p onmouseover="steal()">Hover <a href="javascript:steal()">here</a>.</p>

        <a href="https://example.org/" target="_blank">A site</a> and <img src="x.png" onerror="steal()" alt="x">
        """,
        """
        <p>Hover <a>here</a>.</p>
        <p><a href="https://example.org/">A site</a> and <img src="x.png" alt="x"></p>
        """,
    )


def test_scripts_frames_objects_and_forms_are_removed():
    parsed, _ = parse("""\
        # T

        Before.

        <script>steal()</script><iframe src="https://example.org/"></iframe>

        <form action="/x"><input name="q"></form><object data="x.swf"></object><embed src="y.swf">
        <style>p { display: none }</style>

        After.
        """)
    tags = {el.tag for el in parsed.body.iter()}
    assert not tags & {"script", "iframe", "form", "input", "object", "embed", "style"}
    text = parsed.body.text_content()
    assert "steal" not in text and "display" not in text
    assert "Before." in text and "After." in text


def test_unclosed_raw_html_is_closed():
    parsed, _ = parse("# T\n\nSome <b>bold and <i>italic\n\nNext paragraph.\n")
    bold = parsed.body.find(".//b")
    assert bold is not None and bold.find("i") is not None
    assert "Next paragraph." in parsed.body.text_content()


# --- what a chapter declares --------------------------------------------------------------------


def test_headings_with_their_source_lines():
    parsed, _ = parse("# Title {#sec-title}\n\nText.\n\n```\n# not a heading\n```\n\n## Part {.unnumbered}\n\n### Deeper\n")
    assert [(h.level, h.id, h.text, h.numbered, h.location.line) for h in parsed.headings] == [
        (1, "sec-title", "Title", True, 1),
        (2, "part", "Part", False, 9),
        (3, "deeper", "Deeper", True, 11),
    ]


def test_labels_with_their_source_locations():
    parsed, _ = parse("""\
        # Title {#sec-title}

        ![Cap](a.png){#fig-a}

        | A |
        |---|
        | 1 |

        : Cap {#tbl-a}

        ```{#lst-a lst-cap="Code"}
        x
        ```
        """)
    assert [(l.label, l.kind, l.location.line, l.location.col) for l in parsed.labels] == [
        ("sec-title", "sec", 1, 10),
        ("fig-a", "fig", 3, 15),
        ("tbl-a", "tbl", 9, 8),
        ("lst-a", "lst", 11, 5),
    ]


def test_images_and_links_with_their_locations():
    parsed, _ = parse("# T\n\nSee [the other](02-b.md#sec-x) and [a site](https://example.org).\n\n![Cap](images/a%20b.png)\n")
    assert [(i.src, i.location.line) for i in parsed.images] == [("images/a b.png", 5)]
    assert [(l.href, l.location.line, l.location.col) for l in parsed.links] == [("02-b.md#sec-x", 3, 17)]


def test_a_chapter_must_start_with_one_title():
    _, diags = parse("Intro text.\n\n## Section\n")
    assert [d.format().splitlines()[0] for d in diags.errors] == [
        "ch.md:3:1: error: the chapter does not start with a '# Title' heading"]
    _, diags = parse("# One\n\ntext\n\n# Two\n")
    assert [d.format().splitlines()[0] for d in diags.errors] == [
        "ch.md:5:1: error: a second '# Two' heading; a chapter has one title"]
