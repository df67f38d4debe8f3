"""The author's header and footer for the web edition (`[web] header`, `footer`): HTML of
theirs set above and below every page, held to the rules a chapter's HTML is.

A snippet is sanitized with the chapters' allow-list (parse/sanitize.py), and what it loses
is a warning at the snippet's line. Scripts are the exception the author controls: a
`<script src="...">` whose file `[web] allow-scripts` names is kept, the file published with
the site; every other script is removed, with its content. Images the snippet shows are
files of the book, published with the site like the chapters' images.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html

from bookwright.diagnostics import Diagnostics
from bookwright.model import ResolvedBook, SourceLocation
from bookwright.parse.sanitize import removed_html, sanitize
from bookwright.parse.sourcemap import SourceMap
from bookwright.paths import is_inside

SCRIPT = re.compile(r"<script\b([^>]*)>\s*</script\s*>", re.I)
SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
SCRIPTS_FOLDER = "assets/scripts/"


@dataclass
class Snippet:
    markup: str  # sanitized, its images and scripts pointed at the site's copies
    scripts: list[Path] = field(default_factory=list)  # allowed script files it loads
    images: list[Path] = field(default_factory=list)  # book images it shows


def read_snippet(book: ResolvedBook, path: Path | None, diags: Diagnostics) -> Snippet | None:
    if path is None:
        return None
    text = path.read_bytes().decode("utf-8", "replace")
    allowed = set(book.config.web.allow_scripts)
    kept: list[Path] = []
    sources = SourceMap(path, text)

    def keep_allowed(match: re.Match) -> str:
        src = SRC.search(match.group(1))
        address = next((g for g in src.groups() if g is not None), "") if src else ""
        file = (book.root / unquote(urlsplit(address).path)).resolve() if address and not urlsplit(address).scheme \
            else None
        if file is not None and file in allowed:
            kept.append(file)
            return " " * len(match.group(0))  # kept outside the sanitized markup; positions stay
        where = sources.location(match.start())
        diags.warning_at(where, f"<script> removed from the web {'header' if path == book.config.web.header else 'footer'}"
                                f"{f' (its file {address!r} is not in [web] allow-scripts)' if address else ''}",
                         hint='name the script file in [web] allow-scripts = ["scripts/analytics.js"] to keep it')
        return " " * len(match.group(0))

    masked = SCRIPT.sub(keep_allowed, text)
    for removal, where in removed_html(masked, SourceMap(path, masked)):
        report = diags.error_at if removal.severity == "error" else diags.warning_at
        report(where, removal.message, hint=removal.hint)
    clean = sanitize(masked)
    fragment = html.fragment_fromstring(clean or "<div></div>", create_parent="div")
    images = []
    for img in fragment.iter("img"):
        src = img.get("src", "")
        file = (book.root / unquote(urlsplit(src).path)).resolve() if src and not urlsplit(src).scheme else None
        if file is None or not is_inside(file, book.root) or not file.is_file():
            diags.warning_at(_place(sources, src), f"the image '{src}' is not a file of the book; it is left out",
                             hint="put the image in the book folder and name it from there")
            img.drop_tree()
            continue
        images.append(file)
        img.set("src", "media/" + file.relative_to(book.root).as_posix())
    markup = (fragment.text or "") + "".join(html.tostring(child, encoding="unicode") for child in fragment)
    return Snippet(markup, kept, images)


def script_name(book: ResolvedBook, path: Path) -> str:
    """Where an allowed script is published in the site."""
    return SCRIPTS_FOLDER + path.relative_to(book.root).as_posix()


def _place(sources: SourceMap, text: str) -> SourceLocation:
    matches = sources.find_all(re.compile(re.escape(text))) if text else []
    return matches[0] if matches else SourceLocation(sources.path, 1, 1)
