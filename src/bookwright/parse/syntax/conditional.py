"""Conditional content, as in Quarto: shown in some editions only.

    ::: {.content-visible when-format="pdf"}      only in the PDFs
    ::: {.content-hidden when-format="html"}      everywhere but on the web
    [in print]{.content-visible unless-format="epub"}

Quarto's format names map to bookwright's editions: `epub` (and epub3) → the EPUB,
`pdf` (and latex) → the screen PDF and every print interior, `html` → the web edition.
Formats bookwright does not make (docx, typst, revealjs, ...) match no edition. The
element gets `data-editions="epub pdf"`, the editions that show it (empty: none); each
writer leaves out what is not for it (writers/common.py).
"""

from __future__ import annotations

import re

from markdown.treeprocessors import Treeprocessor

from bookwright.parse.findings import Findings

EDITIONS = ("epub", "pdf", "web")
FORMATS = {"epub": {"epub"}, "epub2": {"epub"}, "epub3": {"epub"}, "pdf": {"pdf"}, "latex": {"pdf"},
           "html": {"web"}, "html4": {"web"}, "html5": {"web"}, "html:js": {"web"}}
# Quarto's other formats: no bookwright edition is one of them.
OTHER_FORMATS = {"docx", "odt", "rtf", "pptx", "typst", "revealjs", "beamer", "context", "gfm", "commonmark",
                 "markdown", "ipynb", "jats", "asciidoc", "asciidoctor", "man", "dashboard", "email", "confluence",
                 "docusaurus", "hugo", "org", "plain", "rst", "texinfo", "textile", "mediawiki", "dokuwiki",
                 "muse", "zimwiki", "haddock", "opml", "icml", "tei", "jira", "xwiki", "fb2", "ms", "slidy",
                 "slideous", "dzslides", "s5", "native", "json", "docbook", "docbook4", "docbook5", "opendocument"}
CLASSES = ("content-visible", "content-hidden")


def editions(visible: bool, when: str | None, unless: str | None) -> set[str]:
    """The editions that show content with these conditions."""
    shown = set(EDITIONS)
    when_set = set().union(*(FORMATS.get(f, set()) for f in when.split())) if when is not None else None
    unless_set = set().union(*(FORMATS.get(f, set()) for f in unless.split())) if unless is not None else set()
    if visible:
        if when_set is not None:
            shown &= when_set
        shown -= unless_set
    else:
        if when_set is not None:
            shown -= when_set
        if unless is not None:
            shown &= unless_set
        if when is None and unless is None:
            shown = set()  # hidden everywhere
    return shown


class ConditionalContentTreeprocessor(Treeprocessor):
    def __init__(self, md, findings: Findings):
        super().__init__(md)
        self.findings = findings

    def run(self, root) -> None:
        for el in root.iter():
            classes = (el.get("class") or "").split()
            kind = next((c for c in CLASSES if c in classes), None)
            when = el.attrib.pop("data-when-format", None) or el.attrib.pop("when-format", None)
            unless = el.attrib.pop("data-unless-format", None) or el.attrib.pop("unless-format", None)
            if kind is None:
                continue
            for name in (when or "").split() + (unless or "").split():
                if name not in FORMATS and name not in OTHER_FORMATS:
                    self.findings.add("warning", f"'{name}' is not an output format; the condition never matches it",
                                      r"(?:when|unless)-format\s*=\s*[\"']?" + re.escape(name),
                                      hint="bookwright's editions are epub, pdf and html (the web edition)")
            shown = editions(kind == "content-visible", when, unless)
            el.set("data-editions", " ".join(e for e in EDITIONS if e in shown))
