"""What the EPUB declares about its accessibility, read from what its documents contain.

Every XHTML document passes through `EpubAccessibility.finish` before it is packaged:
languages marked in the text get `xml:lang` beside `lang`, decorative images get
`alt=""` and `role="presentation"`, header cells get a `scope`, the print edition's page
markers go in (writers/pagelist.py), and the manifest properties a document needs
(`svg`, `mathml`, `scripted`) are read off its tree. What the documents turned out to
hold then decides the package metadata (EPUB Accessibility 1.1 / schema.org):
`alternativeText` only when every image has alt text or is decorative, `printPageNumbers`
and `pageNavigation` only with a page list, and so on. The summary is generated from
the same facts unless `[epub] accessibility-summary` replaces it.

The conformance claim (`dcterms:conformsTo` with `a11y:certifiedBy`) is written only
when the caller says every automated check will run (`claim=True`) and nothing found here
rules it out; the gate (writers/epub/gate.py) then verifies the packaged file with EPUBCheck and
Ace, and the pipeline rewrites the file without the claim when they find anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from bookwright.model import ResolvedBook
from bookwright.writers.common import XHTML_NS
from bookwright.writers.pagelist import PageMarkers

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SVG_NS = "http://www.w3.org/2000/svg"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
X = f"{{{XHTML_NS}}}"
XHTML_HEADER = b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
# EPUB documents that are not the text's own: their owner names in the page layout.
GENERATED_OWNERS = {"titlepage": "#title", "copyright": "#copyright", "nav": "#toc", "lists": "#lists", "cover": "#cover"}


@dataclass
class Facts:
    """What the packaged documents contain, gathered as they are finished."""

    images: int = 0  # every <img> but decorative ones
    described: int = 0  # of those, the ones with alt text
    decorative: int = 0
    figures: int = 0
    tables: int = 0
    tables_with_headers: int = 0
    notes: int = 0
    languages: set[str] = field(default_factory=set)
    math: bool = False
    problems: list[str] = field(default_factory=list)  # what rules the conformance claim out


class EpubAccessibility:
    def __init__(self, book: ResolvedBook, pages: PageMarkers | None, claim: bool):
        self.book = book
        self.pages = pages
        self.claim = claim
        self.facts = Facts()

    @staticmethod
    def owner(uid: str) -> str:
        return GENERATED_OWNERS.get(uid, uid.removeprefix("c-"))

    # --- documents ---------------------------------------------------------------------

    def finish(self, uid: str, content: bytes, page_list_label: str = "Pages") -> tuple[bytes, list[str]]:
        """One XHTML document made ready for every reader; returns it and its manifest properties."""
        root = etree.fromstring(content)
        for el in root.iter():
            if isinstance(el.tag, str) and el.get("lang") and el.get(XML_LANG) is None:
                el.set(XML_LANG, el.get("lang"))
        for img in root.iter(f"{X}img"):
            if "decorative" in (img.get("class") or "").split():
                img.set("alt", "")
                img.set("role", "presentation")
        for th in root.iter(f"{X}th"):
            if th.get("scope") is None:
                in_head = any(etree.QName(a).localname == "thead" for a in th.iterancestors())
                row = th.getparent()
                first = row is not None and next((c for c in row if isinstance(c.tag, str)), None) is th
                th.set("scope", "col" if in_head or not first else "row")
        if self.pages is not None:
            self.pages.apply(self.owner(uid), root)
            if uid == "nav":
                root.find(f"{X}body").append(self.pages.nav_element(page_list_label))
        self._gather(uid, root)
        properties = []
        if next(root.iter(f"{{{SVG_NS}}}svg"), None) is not None:
            properties.append("svg")
        if next(root.iter(f"{{{MATHML_NS}}}math"), None) is not None:
            properties.append("mathml")
        if next(root.iter(f"{X}script", f"{X}form"), None) is not None:
            properties.append("scripted")
        return XHTML_HEADER + etree.tostring(root, encoding="utf-8"), properties

    def _gather(self, uid: str, root) -> None:
        facts = self.facts
        title = root.find(f"{X}head/{X}title")
        if title is None or not "".join(title.itertext()).strip():
            facts.problems.append(f"{uid}: the document has no title")
        if not root.get("lang") or not root.get(XML_LANG):
            facts.problems.append(f"{uid}: the document has no language")
        for img in root.iter(f"{X}img"):
            if img.get("role") == "presentation" and img.get("alt") == "":
                facts.decorative += 1
                continue
            facts.images += 1
            if (img.get("alt") or "").strip():
                facts.described += 1
            elif not img.xpath("ancestor::x:figure[x:figcaption]", namespaces={"x": XHTML_NS}) or img.get("alt") is None:
                facts.problems.append(f"{uid}: an image has no alt text")
            else:
                facts.described += 1  # described by its caption (fig-alt="")
        facts.figures += sum(1 for f in root.iter(f"{X}figure") if "listing" not in (f.get("class") or "").split())
        for table in root.iter(f"{X}table"):
            facts.tables += 1
            if table.find(f".//{X}th") is not None:
                facts.tables_with_headers += 1
        facts.notes += sum(1 for a in root.iter(f"{X}aside") if a.get("role") == "doc-footnote")
        book_language = self.book.metadata.language.lower()
        for el in root.iter():
            if isinstance(el.tag, str) and el.get("lang") and el.get("lang").lower() != book_language:
                facts.languages.add(el.get("lang"))
        if next(root.iter(f"{{{MATHML_NS}}}math"), None) is not None:
            facts.math = True

    # --- package metadata --------------------------------------------------------------

    @property
    def claims_conformance(self) -> bool:
        return self.claim and not self.facts.problems

    def features(self) -> list[str]:
        f = self.facts
        out = ["structuralNavigation", "tableOfContents", "readingOrder"]
        if f.images == f.described:
            out.append("alternativeText")
        if self.pages is not None:
            out += ["printPageNumbers", "pageBreakMarkers", "pageNavigation"]
        if f.math:
            out.append("MathML")
        out.append("displayTransformability")
        return out

    def access_modes(self) -> tuple[list[str], list[str]]:
        modes = ["textual"] + (["visual"] if self.facts.images else [])
        sufficient = ["textual"] if self.facts.images == self.facts.described else []
        if "visual" in modes:
            sufficient.append("textual,visual")
        return modes, sufficient

    def certifier(self) -> str:
        m = self.book.metadata
        return self.book.config.accessibility.certified_by or m.publisher or ", ".join(m.authors)

    def summary(self) -> str:
        own = self.book.config.accessibility.summary
        if own:
            return own
        f = self.facts
        parts = []
        if self.claims_conformance:
            parts.append(f"This publication meets {CONFORMANCE}, checked with EPUBCheck and Ace by DAISY.")
        parts.append("It has a table of contents and a heading for every chapter and section, in reading order.")
        shown = []
        if f.figures:
            shown.append(f"{f.figures} figure{'s' if f.figures != 1 else ''}")
        if f.tables:
            shown.append(f"{f.tables} table{'s' if f.tables != 1 else ''}"
                         + (" with header cells and captions" if f.tables == f.tables_with_headers else ""))
        if f.notes:
            shown.append(f"{f.notes} note{'s' if f.notes != 1 else ''} linked to and from the text")
        if shown:
            parts.append("The book contains " + _series(shown) + ".")
        if f.images:
            parts.append("Every image has a text description." if f.images == f.described else
                         f"{f.described} of {f.images} images have a text description.")
        if f.languages:
            parts.append("Passages in other languages (" + ", ".join(sorted(f.languages)) + ") are marked for text-to-speech.")
        if self.pages is not None:
            source = self.page_source()
            edition = f"the print edition (ISBN {source.removeprefix('urn:isbn:')})" if source.startswith("urn:isbn:") \
                and source != self.book.metadata.identifier else "the PDF edition"
            parts.append(f"Page numbers follow {edition}, with a page list to go to any of its {self.pages.page_count} pages.")
        parts.append("Text and images reflow, and readers can change the typeface, size and colours; "
                     "nothing flashes, moves or plays sound.")
        return " ".join(parts)

    def add_metadata(self, epub_book) -> None:
        """The accessibility metadata, once every document has been finished."""
        def meta(prop: str, value: str) -> None:
            epub_book.add_metadata(None, "meta", value, {"property": prop})

        modes, sufficient = self.access_modes()
        for mode in modes:
            meta("schema:accessMode", mode)
        for mode in sufficient:
            meta("schema:accessModeSufficient", mode)
        for feature in self.features():
            meta("schema:accessibilityFeature", feature)
        meta("schema:accessibilityHazard", "none")
        meta("schema:accessibilitySummary", self.summary())
        if self.claims_conformance:
            meta("dcterms:conformsTo", CONFORMANCE)
            meta("a11y:certifiedBy", self.certifier())
        if self.pages is not None:
            # `source-of pagination` says which dc:source the page list follows (EPUB 3.3 §D.3).
            epub_book.add_metadata("DC", "source", self.page_source(), {"id": "page-source"})
            epub_book.add_metadata(None, "meta", "pagination", {"refines": "#page-source", "property": "source-of"})

    def page_source(self) -> str:
        """The edition the page numbers come from: the print edition's ISBN when they are a
        print profile's pages, else the PDF of this same publication (the book's identifier)."""
        isbn = self.book.config.print.isbn
        if isbn and self.pages is not None and self.pages.layout.source.startswith("print-"):
            return isbn
        return self.book.metadata.identifier


PAGE_LIST_WORDS = {"en": "Pages", "fr": "Pages", "de": "Seiten", "es": "Páginas"}


def page_list_label(language: str) -> str:
    return PAGE_LIST_WORDS.get(language.split("-")[0].lower(), PAGE_LIST_WORDS["en"])


def _series(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# Values that leave the colour to the reader (or to the element's parent).
NEUTRAL_COLOURS = {"inherit", "currentcolor", "transparent", "initial", "unset", "none"}
COLOUR_PROPERTIES = {"color", "background", "background-color"}


def reader_css(css: str) -> str:
    """The stylesheet without forced colours: a reading system's dark or sepia mode sets
    the text and page colours, and a colour of ours (code highlighting on a light grey
    ground) would leave light text on light paper. Weight and slant still mark the syntax."""
    import tinycss2

    out = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            out.append(rule.serialize())
            continue
        kept = []
        for declaration in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True):
            if declaration.type != "declaration":
                continue
            value = tinycss2.serialize(declaration.value).strip().lower()
            if declaration.lower_name in COLOUR_PROPERTIES and value not in NEUTRAL_COLOURS:
                continue
            kept.append(f"{declaration.name}: {tinycss2.serialize(declaration.value).strip()}"
                        + (" !important" if declaration.important else ""))
        if kept:
            out.append(f"{tinycss2.serialize(rule.prelude).strip()} {{ {'; '.join(kept)}; }}")
    return "\n".join(out) + "\n"
