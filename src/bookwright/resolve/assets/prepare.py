"""Every image the book uses, checked once and made safe before any edition is written.

The writers embed the bytes prepared here (`ResolvedBook.image_bytes`), never the file
on disk: a raster image too large is scaled down (images.py), an SVG is made inert
(svg.py). Problems are reported at the line that uses the image, or at the `cover` key
of book.toml.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html

from bookwright.diagnostics import Diagnostics
from bookwright.resolve.assets.images import ImageProblem, check_raster
from bookwright.model import Book, ParsedChapter, SourceLocation
from bookwright.resolve.assets.svg import SvgProblem, clean_svg


def prepare_images(book: Book, images: list[Path], parsed: list[ParsedChapter], diags: Diagnostics) -> dict[Path, bytes]:
    """The bytes each edition embeds for every image in `images`, the cover and the author's photograph."""
    uses: dict[Path, tuple[str, SourceLocation]] = {}
    for chapter in parsed:
        for image in chapter.images:
            parts = urlsplit(image.src)
            if parts.scheme or parts.netloc:
                continue
            path = (chapter.source.path.parent / unquote(parts.path)).resolve()
            uses.setdefault(path, (image.src, image.location))
    # The pictures book.toml names: the cover, and the author's photograph on the print covers' back.
    named = [(book.metadata.cover, cover_location(book)),
             (book.config.cover.author_photo, book.config.location_of("cover", "author-photo"))]
    for picture, where in named:
        if picture is not None and picture.is_file():
            picture = picture.resolve()
            uses.setdefault(picture, (picture.relative_to(book.root).as_posix()
                                      if picture.is_relative_to(book.root) else str(picture), where))
    prepared: dict[Path, bytes] = {}
    for path in list(images) + [p.resolve() for p, _ in named if p is not None and p.resolve() in uses]:
        if path in prepared or path not in uses:
            continue
        written, where = uses[path]
        try:
            data = path.read_bytes()
        except OSError as exc:
            diags.error_at(where, f"image '{written}' cannot be read: {exc.strerror}")
            continue
        try:
            if path.suffix.lower() == ".svg":
                data, removed = clean_svg(data)
                if removed:
                    diags.warning_at(where, f"image '{written}': removed {', '.join(removed)}",
                                     hint="SVG images may not run scripts or load other files")
            else:
                checked = check_raster(path.name, data)
                data = checked.data
                for note in checked.notes:
                    diags.warning_at(where, f"image '{written}' {note}")
        except (ImageProblem, SvgProblem) as problem:
            diags.error_at(where, f"image '{written}' {problem}")
            continue
        prepared[path] = data
    return prepared


def cover_location(book: Book) -> SourceLocation:
    return book.config.location_of("book", "cover")


def link_remote_images(body: html.HtmlElement) -> None:
    """Remote images the author allowed (`allow-remote-images`) are never fetched: each
    becomes a link to its address, reading as its description, in every edition."""
    for img in list(body.iter("img")):
        parts = urlsplit(img.get("src", ""))
        if parts.scheme not in ("http", "https"):
            continue
        link = html.Element("a")
        link.set("href", img.get("src"))
        link.set("class", "remote-image")
        link.text = img.get("alt") or img.get("src")
        link.tail = img.tail
        img.getparent().replace(img, link)
