"""The default theme's files: stylesheets, fonts, and the code colours from Pygments."""

from __future__ import annotations

from pathlib import Path

from pygments.formatters import HtmlFormatter

from bookwright.paths import theme_dir


def font_files() -> list[Path]:
    return sorted((theme_dir() / "fonts").glob("*.otf"))


def code_css(style: str = "default") -> str:
    # "default": a quiet, print-safe Pygments style whose colours keep AA contrast on white.
    # The web edition also asks for a dark one for readers whose system is set to dark.
    return HtmlFormatter(style=style).get_style_defs("pre.code")


def stylesheet(*names: str) -> str:
    return "\n".join((theme_dir() / name).read_text(encoding="utf-8") for name in names)
