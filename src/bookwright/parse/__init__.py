"""One chapter's Markdown → `ParsedChapter`: an HTML tree plus what the chapter declares.

The chapter body is an lxml tree from here on; later stages walk it, they never run
regular expressions over HTML. Source locations come from `SourceMap`.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import html

from bookwright.parse.facts import collect_facts
from bookwright.parse.findings import Findings
from bookwright.diagnostics import Diagnostics
from bookwright.model import (
    LABEL_KINDS,
    ChapterLink,
    ChapterSource,
    Heading,
    ImageUse,
    LabelDefinition,
    ParsedChapter,
    Reference,
    SourceLocation,
)
from bookwright.parse.limits import check_source, check_tree, too_deep_to_parse
from bookwright.parse.sanitize import drop_emptied_paragraphs, removed_html, repair_nesting, sanitize
from bookwright.parse.sourcemap import SourceMap, report_findings
from bookwright.parse.syntax import make_markdown
from bookwright.parse.syntax.keys import label_of
from bookwright.parse.syntax.references import BARE_REFERENCE, BRACKETED_REFERENCE

HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
LABEL_PATTERN = re.compile(r"^(" + "|".join(LABEL_KINDS) + r")-")
LABEL_TOKEN = re.compile(r"[\w:.-]+")
HASH_LABEL = re.compile(r"#([\w:.-]+)")
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
NOTE_DEFINITION = re.compile(r"^[ ]{0,3}\[\^([^\]]+)\]:", re.M)


def parse_chapter(source: ChapterSource, language: str, diags: Diagnostics) -> ParsedChapter:
    parsed = markdown_tree(source, language, diags)
    if parsed is None:
        return ParsedChapter(source, html.Element("div"), [], [], [], [], [])
    body, sources = parsed
    chapter = ParsedChapter(
        source=source,
        body=body,
        headings=_headings(body, sources),
        labels=_labels(body, sources),
        references=_references(body, sources),
        links=_links(body, sources),
        images=_images(body, sources),
    )
    collect_facts(chapter, sources)  # citations, index marks, formulas (issue 7)
    _check_headings(chapter, diags)
    _check_notes(body, sources, diags)
    _check_image_attributes(body, sources, diags)
    return chapter


def markdown_tree(source: ChapterSource, language: str,
                  diags: Diagnostics) -> tuple[html.HtmlElement, SourceMap] | None:
    """The source's Markdown as a sanitised <div> tree, with the map of where things are in
    it; None (with an error) when it nests too deeply to be parsed. Raw HTML the sanitiser
    removed is reported at its line."""
    sources = SourceMap.of(source)
    findings = Findings()
    converted = _convert(source, language, findings, diags)
    if converted is None:
        return None
    report_findings(findings, sources, diags)
    for removal, where in removed_html(converted, sources):
        report = diags.error if removal.severity == "error" else diags.warning
        report(where.path, where.line, where.col, removal.message, hint=removal.hint)
    body = html.fragment_fromstring(sanitize(converted) or "", create_parent="div")
    repair_nesting(body)
    drop_emptied_paragraphs(body)
    if not check_tree(body, sources, diags):
        return None
    return body, sources


def _convert(source: ChapterSource, language: str, findings: Findings, diags: Diagnostics) -> str | None:
    """The chapter's Markdown as HTML, or None (with an error) when it nests too deeply."""
    if not check_source(source, diags):
        return None
    try:
        converted = make_markdown(language, findings).convert(source.text)
    except RecursionError:
        too_deep_to_parse(source, diags)
        return None
    # Control characters cannot be in XHTML (load removed the author's); none of ours may be left.
    return CONTROL_CHARACTERS.sub("", converted)


def _outside_notes(body: html.HtmlElement, xpath: str) -> list[html.HtmlElement]:
    return [el for el in body.xpath(xpath) if not el.xpath("ancestor::div[contains(@class,'footnote')]")]


def _headings(body: html.HtmlElement, sources: SourceMap) -> list[Heading]:
    locations = sources.headings()
    headings = []
    for index, el in enumerate(_outside_notes(body, "|".join(f".//{tag}" for tag in HEADING_TAGS))):
        location = locations[index] if index < len(locations) else SourceLocation(sources.path, 1, 1)
        classes = el.get("class", "").split()
        numbered = "unnumbered" not in classes  # `{-}` became this class in syntax/unnumbered.py
        headings.append(Heading(int(el.tag[1]), el.get("id", ""), el.text_content().strip(), numbered, location))
    return headings


def _labels(body: html.HtmlElement, sources: SourceMap) -> list[LabelDefinition]:
    labels = []
    seen: dict[str, int] = {}
    written: dict[str, list[SourceLocation]] | None = None
    for el in body.iter():
        label = el.get("id", "") if isinstance(el.tag, str) else ""
        match = LABEL_PATTERN.match(label)
        if not match:
            continue
        occurrence = seen.get(label, 0)
        seen[label] = occurrence + 1
        if LABEL_TOKEN.fullmatch(label):
            # Every `#label` of the source in one scan: `#` and the longest run of label
            # characters after it is what `#label(?![\w:.-])` finds for each label in turn.
            if written is None:
                written = {}
                for m in HASH_LABEL.finditer(sources.text):
                    if not sources.in_code(m.start()):
                        written.setdefault(m.group(1), []).append(sources.location(m.start()))
            found = written.get(label, [])
        else:
            found = sources.find_all(re.compile(r"#" + re.escape(label) + r"(?![\w:.-])"))
        location = found[occurrence] if occurrence < len(found) else (found[-1] if found else SourceLocation(sources.path, 1, 1))
        labels.append(LabelDefinition(label, match.group(1), SourceLocation(location.path, location.line, location.col)))
    return labels


def _references(body: html.HtmlElement, sources: SourceMap) -> list[Reference]:
    keys = list(dict.fromkeys(el.get("data-ref") for el in body.iter("a") if "xref" in el.get("class", "").split()))
    if not keys:
        return []
    # The source is scanned once for every key (not once per key: that was quadratic in a
    # chapter's references).
    found: dict[str, list[SourceLocation]] = {}
    for pattern, group in ((BARE_REFERENCE, 1), (BRACKETED_REFERENCE, 3)):
        for loc, m in _matches(sources, pattern, group):
            found.setdefault(label_of(m.group(group)), []).append(loc)
    references = []
    for key in keys:
        # A bracketed reference's key is found at the '@' itself, one column before the key.
        references.append(Reference(key, sorted(set(found.get(key, ())), key=lambda l: (l.line, l.col))
                                    or [SourceLocation(sources.path, 1, 1)]))
    return references


def _matches(sources: SourceMap, pattern: re.Pattern, group: int):
    for m in pattern.finditer(sources.text):
        if not sources.in_code(m.start()):
            loc = sources.location(m.start(group) - 1)  # point at the '@'
            yield loc, m


def _links(body: html.HtmlElement, sources: SourceMap) -> list[ChapterLink]:
    links = []
    seen: dict[str, int] = {}
    for el in body.iter("a"):
        href = el.get("href")
        classes = el.get("class", "").split()
        if not href or "xref" in classes or "footnote-ref" in classes or "footnote-backref" in classes:
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            continue
        # The n-th link to an href is the n-th `(href` or `[ref]: href` in the source; point at the href.
        occurrence = seen.get(href, 0)
        seen[href] = occurrence + 1
        found = sources.find_all(re.compile(r"(?:\(|\]:[ \t]*<?|href=[\"']?)(" + re.escape(href) + r")"), group=1)
        location = found[min(occurrence, len(found) - 1)] if found else SourceLocation(sources.path, 1, 1)
        links.append(ChapterLink(href, location))
    return links


def _images(body: html.HtmlElement, sources: SourceMap) -> list[ImageUse]:
    images = []
    seen: dict[str, int] = {}
    for el in body.iter("img"):
        src = el.get("src", "")
        # A Markdown image `(src` or a raw <img src="src">; the n-th use is the n-th in the source.
        occurrence = seen.get(src, 0)
        seen[src] = occurrence + 1
        found = sources.find_all(re.compile(r"(?:\(|src=[\"']?)(" + re.escape(src) + ")"), group=1) if src else []
        location = found[min(occurrence, len(found) - 1)] if found else SourceLocation(sources.path, 1, 1)
        images.append(ImageUse(unquote(src), el.get("alt", ""), location))
    return images


def _check_notes(body: html.HtmlElement, sources: SourceMap, diags: Diagnostics) -> None:
    """A note defined and never called would vanish from every edition without a word; so
    would the first text of a label defined twice (every call prints the last)."""
    first: dict[str, SourceLocation] = {}
    for m in NOTE_DEFINITION.finditer(sources.text):
        if sources.in_code(m.start()):
            continue
        label, where = m.group(1), sources.location(m.start())
        if label in first:
            diags.warning_at(where, f"note [^{label}] is defined again (first at line {first[label].line}); "
                                    "every call to it prints this text, and the first is lost",
                             hint="give each note a label of its own")
        else:
            first[label] = where
    called = {(a.get("href") or "").removeprefix("#fn:") for a in body.xpath(".//a[contains(@class,'footnote-ref')]")}
    for li in body.xpath(".//div[contains(@class,'footnote')]/ol/li[@id]"):
        label = li.get("id").removeprefix("fn:")
        if label in called:
            continue
        where = sources.first(re.compile(r"^[ ]{0,3}\[\^" + re.escape(label) + r"\]:", re.M))
        diags.warning_at(where, f"note [^{label}] is never called; no edition shows it",
                         hint=f"call it where it belongs, as in text[^{label}], or delete it")


def _check_image_attributes(body: html.HtmlElement, sources: SourceMap, diags: Diagnostics) -> None:
    """Image attributes the figure syntax could not read (syntax/figures.py)."""
    for img in body.xpath(".//img[@data-unread]"):
        for written in img.attrib.pop("data-unread").split():
            name, _, value = written.partition("=")
            where = sources.first(re.compile(re.escape(name) + r"\s*=\s*[\"']?" + re.escape(value)))
            hint = ("a width or height is a number with a unit: 60%, 8cm, 3in, 300px" if name in ("width", "height")
                    else "fig-align is left, center or right")
            diags.warning_at(where, f"image attribute {written} is not understood; it is left out", hint=hint)


def _check_headings(chapter: ParsedChapter, diags: Diagnostics) -> None:
    path = chapter.source.path
    if not chapter.headings or chapter.headings[0].level != 1:
        where = chapter.headings[0].location if chapter.headings else SourceLocation(path, 1, 1)
        diags.error_at(where, "the chapter does not start with a '# Title' heading",
                       hint="the first '#' heading is the chapter's title")
        return
    for heading in chapter.headings:
        if not heading.text:  # a title or entry of the contents that reads as nothing
            diags.error_at(heading.location, "this heading has no text",
                           hint="write its title after the '#' marks: ## Lighting up {#sec-lighting}")
    for heading in chapter.headings[1:]:
        if heading.level == 1:
            diags.error(path, heading.location.line, heading.location.col,
                        f"a second '# {heading.text}' heading; a chapter has one title",
                        hint="use '##' for a section, or start a new chapter file")
