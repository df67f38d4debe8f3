"""[web]: where the web edition will be published, what it offers for download, where to
buy the book, which chapters it publishes, and the author's header and footer snippets,
each checked for what it means and reported at its line.

Whether each chapter `chapters` names is one of the book's is checked by load_book, once
the chapter list is read.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from bookwright.diagnostics import Diagnostics
from bookwright.editions import EDITIONS
from bookwright.load.toml import KeyLocator
from bookwright.model import StoreLink, WebOptions
from bookwright.options import with_defaults
from bookwright.paths import is_inside

SNIPPET_SUFFIXES = (".html", ".htm")


def read_web(table: dict, at: KeyLocator, diags: Diagnostics) -> WebOptions:
    return with_defaults(WebOptions, base_url=_base_url(table.get("base-url", ""), at, diags),
                         downloads=_downloads(table.get("downloads"), at, diags),
                         links=_links(table.get("links"), at, diags),
                         chapters=_chapters(table.get("chapters"), at, diags),
                         header=_file("header", table.get("header"), SNIPPET_SUFFIXES, at, diags),
                         footer=_file("footer", table.get("footer"), SNIPPET_SUFFIXES, at, diags),
                         allow_scripts=_scripts(table.get("allow-scripts"), at, diags),
                         embed_fonts=table.get("embed-fonts"))


def _base_url(value: str, at: KeyLocator, diags: Diagnostics) -> str | None:
    if not value:
        return None
    if not _is_web_address(value):
        diags.error_at(at.key("web", "base-url"), f"[web] base-url '{value}' is not a web address",
                       hint='give the address the site will be published at, such as "https://example.org/my-book/"')
        return None
    # Pages are named relative to the folder the site is published in.
    return value if value.endswith("/") else value + "/"


def _is_web_address(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def _downloads(names: list | None, at: KeyLocator, diags: Diagnostics) -> tuple[str, ...] | None:
    if names is None:
        return None
    offered = [name for name, edition in EDITIONS.items() if not edition.folder]
    chosen = []
    for name in names:
        if name in offered:
            chosen.append(name)
        else:
            diags.error_at(at.string(name) if isinstance(name, str) else at.key("web", "downloads"),
                           f"[web] downloads: {name!r} is not an edition the site can offer",
                           hint="choose from " + ", ".join(f'"{n}"' for n in offered))
    return tuple(dict.fromkeys(chosen))


def _links(links: dict | None, at: KeyLocator, diags: Diagnostics) -> tuple[StoreLink, ...] | None:
    if links is None:
        return None
    found = []
    for name, url in links.items():
        where = at.string(url) if isinstance(url, str) else at.key("web", "links")
        if not isinstance(url, str) or not _is_web_address(url):
            diags.error_at(where, f"[web] links: the address for {name!r} is not a web address",
                           hint='write store = "https://...", e.g. "Bookshop.org" = "https://bookshop.org/..."')
        elif not name.strip():
            diags.error_at(where, "[web] links: a store needs a name")
        else:
            found.append(StoreLink(name.strip(), url))
    return tuple(found)


def _chapters(names: list | None, at: KeyLocator, diags: Diagnostics) -> tuple[str, ...] | None:
    if names is None:
        return None
    chosen = []
    for name in names:
        if not isinstance(name, str) or not name.strip():
            diags.error_at(at.key("web", "chapters"), "[web] chapters must list chapter files such as \"01-trust.md\"")
            continue
        chosen.append(Path(name).as_posix())
    if names and not chosen:
        return None
    if not names:
        diags.error_at(at.key("web", "chapters"), "[web] chapters is empty: the site would publish no chapter",
                       hint="name the chapters of the sample, or leave the key out to publish them all")
        return None
    return tuple(dict.fromkeys(chosen))


def _file(key: str, name: str | None, suffixes: tuple[str, ...], at: KeyLocator, diags: Diagnostics) -> Path | None:
    if name is None:
        return None
    where = at.key("web", key)
    path = at.root / name
    if Path(name).is_absolute() or urlsplit(name).scheme or not is_inside(path, at.root):
        diags.error_at(where, f"[web] {key} '{name}' is not a file inside the book folder")
    elif path.suffix.lower() not in suffixes:
        diags.error_at(where, f"[web] {key} '{name}' must be a {' or '.join(suffixes)} file")
    elif not path.is_file():
        diags.error_at(where, f"[web] {key} '{name}' does not exist")
    else:
        return path.resolve()
    return None


def _scripts(names: list | None, at: KeyLocator, diags: Diagnostics) -> tuple[Path, ...] | None:
    if names is None:
        return None
    found = []
    for name in names:
        if not isinstance(name, str):
            diags.error_at(at.key("web", "allow-scripts"), "[web] allow-scripts must list .js files of the book")
            continue
        path = at.root / name
        where = at.string(name)
        if Path(name).is_absolute() or urlsplit(name).scheme or not is_inside(path, at.root):
            diags.error_at(where, f"[web] allow-scripts: '{name}' is not a file inside the book folder",
                           hint="a build reads nothing from the network: copy the script into the book folder")
        elif path.suffix.lower() != ".js":
            diags.error_at(where, f"[web] allow-scripts: '{name}' is not a .js file")
        elif not path.is_file():
            diags.error_at(where, f"[web] allow-scripts: '{name}' does not exist")
        else:
            found.append(path.resolve())
    return tuple(found)
