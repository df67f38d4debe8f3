"""The book's design as each edition's stylesheet: the structure every book shares, the
theme's look, the rules book.toml asks for, then the author's own CSS.

Stylesheets name the book's typefaces by role — "Book Body", "Book Headings", "Book Code" —
so that a theme, or the author's CSS, works whatever faces `[style]` chooses; `with_faces`
puts the faces' own names in their place in the stylesheet an edition ships (so the PDF's
fonts, a reading system and a browser show "EB Garamond", not a role), and the @font-face
rules written here give each face its files, at the address each edition packages them under. A theme (styles/themes/NAME/)
is a `book.css` for every edition and a `pdf.css`, `epub.css` or `web.css` for one; the
author's stylesheets come last, with their `url()`s pointed at where the edition puts the
files they name. The first paragraph of a chapter carries the design's opening here too,
so that every edition opens a chapter the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote

import tinycss2
from lxml import html
from pygments.formatters import HtmlFormatter

from bookwright.model import AuthorStylesheet, Face, FontFile, ResolvedBook, ResolvedChapter, StyleOptions
from bookwright.paths import theme_dir

# The family name each role goes by in the stylesheets bookwright and the author write
# (the math face sets MathML, in the editions that show it as text).
ROLE_FAMILIES = {"body": "Book Body", "heading": "Book Headings", "code": "Book Code", "math": "Book Math"}
# Each edition's share of the structure (styles/), and the theme file that is its own. The
# screen PDF is laid out as print is, less what only paper needs (screen.css).
STRUCTURE = {"pdf": ("print.css", "screen.css"), "print": ("print.css",), "epub": ("epub.css",),
             "web": ("web.css",)}
THEME_FILE = {"pdf": "pdf.css", "print": "pdf.css", "epub": "epub.css", "web": "web.css"}
# Chapters whose first paragraph opens as the design says; the others are not running text.
PLAIN_ROLES = {"dedication", "epigraph", "also-by", "notes", "bibliography", "index"}
OPENING_PUNCTUATION = "\"'“‘«„‚¡¿([—–-"


def code_css(style: str = "default") -> str:
    # "default": a quiet, print-safe Pygments style whose colours keep AA contrast on white.
    # The web edition also asks for a dark one for readers whose system is set to dark.
    return HtmlFormatter(style=style).get_style_defs("pre.code")


def stylesheet(*names: str) -> str:
    return "\n".join((theme_dir() / name).read_text(encoding="utf-8") for name in names)


def structure_css(edition: str) -> str:
    """What every book shares in this edition, whatever its theme."""
    return stylesheet("base.css", *STRUCTURE[edition])


def face_files(faces: Iterable[Face]) -> list[FontFile]:
    """Every font file of `faces`, each once, in order."""
    files: dict[Path, FontFile] = {}
    for face in faces:
        for font in face.files:
            files.setdefault(font.path, font)
    return list(files.values())


def packaged_names(files: list[FontFile], suffix: str | None = None) -> dict[Path, str]:
    """A file name for each font inside an EPUB or a site: its own, unless two share one.
    `suffix` replaces the file's own (".woff2" for the web, which repackages them)."""
    taken: set[str] = set()
    names: dict[Path, str] = {}
    for font in files:
        stem, own = font.path.stem, suffix or font.path.suffix.lower()
        names[font.path] = unused_name(lambda n: stem + own if n == 1 else f"{stem}-{n}{own}", taken)
    return names


def unused_name(make: Callable[[int], str], taken: set[str]) -> str:
    """The first of make(1), make(2), ... not in `taken` (compared without case), now taken."""
    n = 1
    while (name := make(n)).casefold() in taken:
        n += 1
    taken.add(name.casefold())
    return name


def theme_css(book: ResolvedBook, edition: str, font_url: Callable[[Path], str], font_rules: str | None = None) -> str:
    """The theme's look and book.toml's type for `edition`: @font-face rules for the book's
    faces (`font_rules` where the edition writes its own: the ebooks, ebook_fonts.py), the
    theme's stylesheets, then the sizes, leading, opening and ornament."""
    style = book.config.style
    parts = [font_faces(style, font_url) if font_rules is None else font_rules]
    for name in ("book.css", THEME_FILE[edition]):
        path = style.theme.folder / name
        if path.is_file():
            parts.append(path.read_text(encoding="utf-8"))
    parts.append(book_rules(style, edition))
    return "\n".join(parts)


def font_faces(style: StyleOptions, font_url: Callable[[Path], str]) -> str:
    return font_face_rules(((face.name, font, font_url(font.path)) for face in style.faces.values()
                            for font in face.files))


def font_face_rules(fonts) -> str:
    """@font-face rules for (family, FontFile, address) triples; one declared twice (a face
    in two roles) is written once."""
    rules: dict[str, None] = {}
    for family, font, address in fonts:
        rules[f'@font-face {{ font-family: {css_string(family)}; font-style: {font.style}; '
              f'font-weight: {font.weight}; src: {css_url(address)}; }}'] = None
    return "\n".join(rules)


def with_faces(css: str, style: StyleOptions, families: dict[str, str] | None = None) -> str:
    """The stylesheet with each role's name ("Book Body") replaced by its face's, or by the
    name `families` gives that face (a subset that may not use its face's reserved name)."""
    faces = dict(style.faces)
    if style.math is not None:
        faces["math"] = style.math
    for role, face in faces.items():
        css = css.replace(f'"{ROLE_FAMILIES[role]}"', css_string((families or {}).get(face.name, face.name)))
    return css


def font_aliases(style: StyleOptions) -> dict[str, str]:
    """The face each generic family stands for in this book: what a figure's `serif` is set in."""
    return {"serif": style.body.name, "sans-serif": style.heading.name, "monospace": style.code.name,
            "default": style.body.name}


def book_rules(style: StyleOptions, edition: str) -> str:
    """The rules book.toml sets over the theme's: type size and leading, the opening, the ornament."""
    rules = []
    size, leading = style.size(edition), style.leading(edition)
    if edition == "epub":
        # The reader owns the text size: a size here scales theirs, on the content, never on body.
        if size and size not in ("100%", "1em"):
            rules.append(f"body > * {{ font-size: {size}; }}")
        if leading:
            rules.append(f"body {{ line-height: {leading}; }}")
    elif edition == "web":
        rules.append("@media screen { " + (f"html {{ font-size: {size}; }} " if size else "")
                     + (f"body {{ line-height: {leading}; }} " if leading else "") + "}")
    else:
        if size:
            rules.append(f"html {{ font-size: {size}; }}")
        if leading:
            rules.append(f"body {{ line-height: {leading}; }}")
    rules.append(OPENINGS[style.chapter_opening])
    rules.append(f"hr::after {{ content: {css_string(style.scene_break)}; }}")
    return "\n".join(rule for rule in rules if rule)


# How the first paragraph of a chapter opens (`mark_opening` marks it). A drop cap is a real
# element, not ::first-letter: WeasyPrint does not make room for a floated first letter on
# its own line, and reading systems place one differently each.
OPENINGS = {
    "plain": "",
    "small-caps": "p.opening::first-line { font-variant: small-caps; letter-spacing: 0.03em; }",
    "drop-cap": ("span.drop-cap { float: left; font-size: 3.3em; line-height: 0.76; margin: 0.04em 0.07em 0 0;"
                 " text-indent: 0; }"),
}


def css_url(address: str) -> str:
    """url(address), quoted only where CSS needs it."""
    if any(ch in address for ch in " \t\n\"'()\\"):
        return f"url({css_string(address)})"
    return f"url({address})"


def css_string(text: str) -> str:
    escaped = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else f"\\{ord(ch):x} "
                      for ch in text)
    return f'"{escaped}"'


def mark_opening(body: html.HtmlElement, chapter: ResolvedChapter, style: StyleOptions) -> None:
    """Marks the paragraph that opens the chapter's text (after its title and any epigraph)
    `p.opening`; for a drop cap its first letter, with an opening quotation mark, becomes
    <span class="drop-cap">. A paragraph that opens with markup keeps a plain opening."""
    if chapter.role in PLAIN_ROLES:
        return
    h1 = body.find(".//h1")
    paragraph = h1.getnext() if h1 is not None else None
    while paragraph is not None and "epigraph" in paragraph.get("class", "").split():
        paragraph = paragraph.getnext()
    if paragraph is None or paragraph.tag != "p":
        return
    paragraph.set("class", (paragraph.get("class", "") + " opening").strip())
    if style.chapter_opening != "drop-cap" or not (paragraph.text or "").strip():
        return
    text = paragraph.text.lstrip()
    lead = len(text) - len(text.lstrip(OPENING_PUNCTUATION))
    if lead >= len(text) or not text[lead].isalnum():
        return
    cap = html.Element("span")
    cap.set("class", "drop-cap")
    cap.text = text[: lead + 1]
    cap.tail = text[lead + 1:]
    paragraph.text = None
    paragraph.insert(0, cap)


def author_css(book: ResolvedBook, edition: str, resource_url: Callable[[Path], str]) -> str:
    """The author's stylesheets for `edition`, in order, each `url()` pointed at `resource_url`
    of the file it names (load/stylesheets.py made sure each is a file of the book)."""
    return "\n".join(pointed_css(sheet, resource_url) for sheet in book.config.style.stylesheets(edition))


def author_resources(book: ResolvedBook, edition: str) -> list[Path]:
    """The files the author's stylesheets for `edition` name, each once."""
    found: dict[Path, None] = {}
    for sheet in book.config.style.stylesheets(edition):
        found.update(dict.fromkeys(sheet.resources))
    return list(found)


def pointed_css(sheet: AuthorStylesheet, resource_url: Callable[[Path], str]) -> str:
    """The sheet's text with each url() to a book file replaced by `resource_url(file)`;
    everything else, comments and line breaks included, as the author wrote it."""
    lines = sheet.text.split("\n")
    edits: list[tuple[int, int, int, str]] = []  # (line, first column, end column, new text)
    for token in _url_tokens(tinycss2.parse_component_value_list(sheet.text)):
        address = token.value if token.type == "url" else next(
            (t.value for t in token.arguments if t.type == "string"), "")
        if not address or address.startswith("data:"):
            continue
        file = (sheet.path.parent / unquote(address.split("#")[0].split("?")[0])).resolve()
        text = lines[token.source_line - 1]
        # The written url(...) ends at the first ")" after its address.
        after = text.find(address, token.source_column - 1) + len(address)
        end = text.find(")", after) + 1
        if end > 0:
            edits.append((token.source_line, token.source_column, end, css_url(resource_url(file))))
    for line, column, end, new in sorted(edits, reverse=True):
        text = lines[line - 1]
        lines[line - 1] = text[: column - 1] + new + text[end:]
    return "\n".join(lines)


def _url_tokens(tokens):
    for token in tokens:
        if token.type == "url" or (token.type == "function" and token.lower_name == "url"):
            yield token
        elif token.type == "function":
            yield from _url_tokens(token.arguments)
        elif getattr(token, "content", None) is not None and not isinstance(token.content, str):
            yield from _url_tokens(token.content)

