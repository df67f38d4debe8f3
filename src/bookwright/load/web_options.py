"""[web]: where the web edition will be published, which gives it absolute Open Graph
addresses, canonical links and a sitemap."""

from __future__ import annotations

from urllib.parse import urlsplit

from bookwright.diagnostics import Diagnostics
from bookwright.load.toml import KeyLocator
from bookwright.model import WebOptions
from bookwright.options import with_defaults


def read_web(table: dict, at: KeyLocator, diags: Diagnostics) -> WebOptions:
    return with_defaults(WebOptions, base_url=_base_url(table.get("base-url", ""), at, diags))


def _base_url(value: str, at: KeyLocator, diags: Diagnostics) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment or " " in value:
        diags.error_at(at.key("web", "base-url"), f"[web] base-url '{value}' is not a web address",
                       hint='give the address the site will be published at, such as "https://example.org/my-book/"')
        return None
    # Pages are named relative to the folder the site is published in.
    return value if value.endswith("/") else value + "/"
