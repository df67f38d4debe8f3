"""Raster images checked and brought to a size every edition can carry.

Each image is opened with Pillow before anything is written, so a file that is not an
image, is damaged, or is named for another format is an error at the line that uses it,
not a crash inside a writer or a blank box in a PDF. An image larger than `MAX_SIDE`
is scaled down; one too large to decode whole is read in strips (PNG) or at a reduced
scale (JPEG), so that memory stays bounded whatever the file claims to hold.
"""

from __future__ import annotations

import contextlib
import io
import math
import struct
import warnings
import zlib
from dataclasses import dataclass, field

from PIL import Image, ImageFile, ImageOps

# Formats EPUB 3 reading systems must show (core media types), with the file name
# endings that say so. Anything else is refused rather than silently converted.
FORMATS = {
    "PNG": ("image/png", (".png",)),
    "JPEG": ("image/jpeg", (".jpg", ".jpeg")),
    "GIF": ("image/gif", (".gif",)),
    "WEBP": ("image/webp", (".webp",)),
}
# 5000 px is 16 inches at 300 dpi: more than any page needs, and what readers cope with.
MAX_SIDE = 5000
# Decoded whole up to here (about 200 MB at four bytes a pixel); larger images are
# streamed or drafted, and beyond MAX_PIXELS refused.
MAX_DECODE_PIXELS = 50_000_000
MAX_PIXELS = 1_000_000_000
STRIP_BYTES = 16 * 1024 * 1024  # raw PNG rows decoded at a time when streaming


class ImageProblem(Exception):
    """The image cannot be used; the message says why, for the author."""


@dataclass
class CheckedImage:
    data: bytes
    media_type: str
    notes: list[str] = field(default_factory=list)  # warnings: what was done to the image


@contextlib.contextmanager
def _pillow_limits():
    # Pillow's own bomb check would refuse before we can decide to stream; our limits
    # (MAX_PIXELS, MAX_DECODE_PIXELS) govern instead, and are checked before decoding.
    # WeasyPrint sets LOAD_TRUNCATED_IMAGES for the whole process when it is imported;
    # here a truncated file must fail, so that the author hears of it.
    saved = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
    Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = MAX_PIXELS, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = saved


def check_raster(name: str, data: bytes) -> CheckedImage:
    """`name` is the file name as the author wrote it (for the extension and messages)."""
    with _pillow_limits():
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError:
            raise ImageProblem(f"claims more than {MAX_PIXELS // 1_000_000} million pixels; scale it down")
        except Exception:  # Pillow raises many kinds for unreadable input
            raise ImageProblem("is not an image bookwright can read (PNG, JPEG, GIF, WebP or SVG)") from None
        with image:
            return _check_open_image(name, data, image)


def _check_open_image(name: str, data: bytes, image: Image.Image) -> CheckedImage:
    if image.format not in FORMATS:
        raise ImageProblem(f"is a {image.format} image; EPUB readers show PNG, JPEG, GIF, WebP and SVG: convert it")
    media_type, endings = FORMATS[image.format]
    if not name.lower().endswith(endings):
        raise ImageProblem(f"is a {image.format} image but its name says otherwise; rename it to end in {endings[0]}")
    width, height = image.size
    if width < 1 or height < 1:
        raise ImageProblem("has no pixels")
    if width * height > MAX_PIXELS:
        raise ImageProblem(f"is {width}\u00d7{height} pixels, more than bookwright reads; scale it down")
    too_big = max(width, height) > MAX_SIDE
    animated = getattr(image, "n_frames", 1) > 1
    if too_big and animated:
        raise ImageProblem(f"is an animated image of {width}\u00d7{height} pixels; scale it to at most {MAX_SIDE} pixels a side")
    if width * height > MAX_DECODE_PIXELS:
        if image.format == "JPEG":
            scaled = _drafted_jpeg(image)
        elif image.format == "PNG":
            scaled = _streamed_png(data)
        else:
            raise ImageProblem(f"is {width}\u00d7{height} pixels, too large to read safely; scale it down to at most "
                               f"{MAX_SIDE} pixels a side")
        return _scaled(image.format, media_type, scaled, (width, height))
    try:
        image.load()  # every frame's data is checked for the first one at least
    except Exception as exc:
        raise ImageProblem(f"is damaged or truncated ({_reason(exc)})") from None
    if not too_big:
        return CheckedImage(data, media_type)
    if image.format == "JPEG":
        image = ImageOps.exif_transpose(image)
    return _scaled(image.format, media_type, _thumbnail(image), (width, height))


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:120]


def _thumbnail(image: Image.Image) -> Image.Image:
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    image = image.copy()
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return image


def _scaled(fmt: str, media_type: str, image: Image.Image, original: tuple[int, int]) -> CheckedImage:
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90)
    elif fmt == "WEBP":
        image.save(out, format="WEBP", quality=90)
    elif fmt == "GIF":
        image.save(out, format="GIF")
    else:
        image.save(out, format="PNG")
    note = (f"is {original[0]}\u00d7{original[1]} pixels; scaled down to {image.size[0]}\u00d7{image.size[1]} "
            f"(at most {MAX_SIDE} a side)")
    return CheckedImage(out.getvalue(), media_type, [note])


def _drafted_jpeg(image: Image.Image) -> Image.Image:
    # JPEG decodes at 1/2, 1/4 or 1/8 scale directly: a huge photo never exists in memory whole.
    image.draft(image.mode if image.mode in ("RGB", "L") else "RGB", (MAX_SIDE, MAX_SIDE))
    if image.size[0] * image.size[1] > MAX_DECODE_PIXELS:
        raise ImageProblem(f"is {image.size[0] * 8}\u00d7{image.size[1] * 8} pixels or more, too large to read safely; "
                           f"scale it down to at most {MAX_SIDE} pixels a side")
    try:
        image.load()
    except Exception as exc:
        raise ImageProblem(f"is damaged or truncated ({_reason(exc)})") from None
    return _thumbnail(ImageOps.exif_transpose(image))


# --- PNG, a strip at a time --------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _png_chunks(data: bytes):
    offset = len(_PNG_SIGNATURE)
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if len(body) < length:
            raise ImageProblem("is damaged or truncated (a PNG chunk is cut short)")
        yield kind, body
        offset += 12 + length
        if kind == b"IEND":
            return
    raise ImageProblem("is damaged or truncated (the PNG has no end)")


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _streamed_png(data: bytes) -> Image.Image:
    """Scales a PNG too large to decode whole by decoding a strip of rows at a time.

    Each strip is handed to Pillow as a small PNG of its own whose first row is the
    previous strip's last row, unfiltered: PNG row filters only look one row back, so
    Pillow undoes them exactly. The strips are box-reduced and stacked.
    """
    chunks = list(_png_chunks(data))
    header = next((body for kind, body in chunks if kind == b"IHDR"), None)
    if header is None or len(header) != 13:
        raise ImageProblem("is damaged (the PNG has no header)")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour not in _CHANNELS or interlace:
        raise ImageProblem(f"is {width}\u00d7{height} pixels, too large to read safely in this PNG flavour "
                           f"(interlaced or not 8 bits a channel); scale it down to at most {MAX_SIDE} pixels a side")
    extra = b"".join(_chunk(kind, body) for kind, body in chunks if kind in (b"PLTE", b"tRNS"))
    row_bytes = width * _CHANNELS[colour]
    factor = math.ceil(max(width, height) / MAX_SIDE)
    rows_per_strip = max(factor, (STRIP_BYTES // (row_bytes + 1)) // factor * factor)
    out = None
    previous = bytes(row_bytes)  # the row "above" the first: zeros, as PNG defines it
    inflate = zlib.decompressobj()
    compressed = (body for kind, body in chunks if kind == b"IDAT")
    pending = b""
    done_rows = 0
    while done_rows < height:
        count = min(rows_per_strip, height - done_rows)
        want = count * (row_bytes + 1)
        while len(pending) < want:
            if inflate.unconsumed_tail:
                pending += inflate.decompress(inflate.unconsumed_tail, want - len(pending))
                continue
            piece = next(compressed, None)
            if piece is None:
                raise ImageProblem("is damaged or truncated (the PNG's pixel data ends early)")
            pending += inflate.decompress(piece, want - len(pending))
        rows, pending = pending[:want], pending[want:]
        strip_header = struct.pack(">IIBBBBB", width, count + 1, 8, colour, 0, 0, 0)
        strip = (_PNG_SIGNATURE + _chunk(b"IHDR", strip_header) + extra
                 + _chunk(b"IDAT", zlib.compress(b"\x00" + previous + rows, 0)) + _chunk(b"IEND", b""))
        try:
            with Image.open(io.BytesIO(strip)) as piece_image:
                piece_image.load()
                decoded = piece_image.crop((0, 1, width, count + 1))
                previous = piece_image.crop((0, count, width, count + 1)).tobytes()
        except Exception as exc:
            raise ImageProblem(f"is damaged ({_reason(exc)})") from None
        if decoded.mode == "P":
            decoded = decoded.convert("RGBA" if b"tRNS" in extra else "RGB")
        reduced = decoded.reduce(factor)
        if out is None:
            out = Image.new(reduced.mode, (math.ceil(width / factor), math.ceil(height / factor)))
        out.paste(reduced, (0, done_rows // factor))
        done_rows += count
    return out
