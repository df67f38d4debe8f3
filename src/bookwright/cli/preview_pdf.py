"""The screen PDF in the live preview: the page that shows it, `/__bookwright/pdf`, opened
after each build at the first page whose drawing changed, where the edit is.

Which page changed is read from the PDFs themselves: the content stream of each page of the
new file against that of the same page of the one it replaced. WeasyPrint writes the same
stream for the same page, so an edit shows up as the few pages it moved; when nothing but
metadata changed there is no page to go to, and the viewer stays where the author was.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path
from urllib.parse import quote

import pikepdf

VIEW_PATH = "/__bookwright/pdf"
VIEW_SCRIPT_PATH = "/__bookwright/pdf.js"


def page_signatures(path: Path) -> list[str]:
    """One hash per page of the PDF at `path`, of what the page draws; [] when it cannot be read."""
    try:
        with pikepdf.open(path) as pdf:
            signatures = []
            for page in pdf.pages:
                contents = page.obj.get("/Contents")
                streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents else []
                digest = hashlib.sha256()
                for stream in streams:
                    digest.update(stream.read_raw_bytes())
                signatures.append(digest.hexdigest())
            return signatures
    except Exception:  # a PDF that cannot be read has no page to point at; the viewer stays put
        return []


def first_changed_page(before: list[str], after: list[str]) -> int:
    """The number (from 1) of the first page of `after` that differs from `before`'s, or that
    `before` did not have; 0 when every page is the same (or there is nothing to compare)."""
    if not after:
        return 0
    for number, (old, new) in enumerate(zip(before, after), 1):
        if old != new:
            return number
    if len(after) > len(before):
        return len(before) + 1
    return 0


def view_page(file: str, version: int, page: int, title: str) -> bytes:
    """The viewer: the PDF at `/<file>` in a frame as big as the window, with the script
    that opens each new version at its changed page."""
    source = f"/{quote(file)}?v={version}" + (f"#page={page}" if page else "") if file else "about:blank"
    missing = "" if file else ('<p id="bookwright-no-pdf">The screen PDF has not been built yet; this page shows it '
                               "as soon as it is.</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} (screen PDF preview)</title>"
        "<style>html,body{margin:0;height:100%;background:#525659}"
        "iframe{display:block;border:0;width:100%;height:100%}"
        "p{margin:0;padding:2rem;color:#fff;font:16px/1.5 system-ui,sans-serif}</style></head><body>"
        f'{missing}<iframe id="bookwright-pdf" title="The screen PDF" src="{html.escape(source)}"></iframe>'
        f'<script src="{VIEW_SCRIPT_PATH}" data-version="{version}"></script>'
        "</body></html>\n"
    ).encode("utf-8")


def view_script() -> bytes:
    return Path(__file__).with_name("preview_pdf.js").read_bytes()
