"""A typographic cover for books that bring none: title, subtitle and authors set in the
theme's book face on a plain ground. Stores require a cover image; an empty one is worse
than a quiet one."""

from __future__ import annotations

import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

from bookwright.model import Metadata
from bookwright.paths import theme_dir

WIDTH, HEIGHT = 1600, 2560
GROUND = (38, 52, 71)
INK = (244, 238, 226)
ACCENT = (201, 164, 92)


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(theme_dir() / "fonts" / name), size)


def _draw_block(draw: ImageDraw.ImageDraw, text: str, font, top: int, width_chars: int, spacing: float) -> int:
    for line in textwrap.wrap(text, width_chars) or [""]:
        box = draw.textbbox((0, 0), line, font=font)
        draw.text(((WIDTH - (box[2] - box[0])) / 2, top), line, font=font, fill=INK)
        top += int((box[3] - box[1]) * spacing)
    return top


def typographic_cover(metadata: Metadata) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), GROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((90, 90, WIDTH - 90, HEIGHT - 90), outline=ACCENT, width=6)
    top = _draw_block(draw, metadata.title, _font("LinLibertine_RB.otf", 150), 520, 16, 1.45)
    if metadata.subtitle:
        top = _draw_block(draw, metadata.subtitle, _font("LinLibertine_RI.otf", 80), top + 80, 30, 1.5)
    draw.line((WIDTH / 2 - 160, top + 90, WIDTH / 2 + 160, top + 90), fill=ACCENT, width=5)
    _draw_block(draw, ", ".join(metadata.authors), _font("LinLibertine_R.otf", 90), HEIGHT - 520, 28, 1.4)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
