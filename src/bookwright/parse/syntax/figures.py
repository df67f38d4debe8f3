"""Figures and image attributes, as Pandoc and Quarto write them.

An image alone in its paragraph with a caption is a figure, and its caption is Markdown
like any text (citations, references, emphasis, formulas):

    ![The loop, after @smith2004](loop.png){#fig-loop fig-alt="A circle of arrows" width=60%}

→ `<figure id="fig-loop"><img alt="..." style="width: 60%"><figcaption>The loop, after
<cite>...</cite></figcaption></figure>`. The figure is made from the paragraph's text
before the inline patterns run (`FigureBlockProcessor`), so the caption is an element's
content rather than an attribute's: Python-Markdown would make it the `alt` attribute,
where markup stays literal.

The image's description is `fig-alt` when the author gives one; otherwise the caption,
which the whole-book pass copies into `alt` once references and citations in it have
their final text (`data-alt="caption"` marks those). `fig-cap` is a caption for an
image written with empty brackets. `width` and `height` become CSS (`style`), which is
what a percentage or a unit needs in XHTML; a number alone stays an attribute (pixels).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor
from markdown.treeprocessors import Treeprocessor

from bookwright.parse.syntax.attributes import ATTRIBUTE_BODY
from bookwright.parse.syntax.spans import bracket_pairs, span_attributes

ALT_FROM_CAPTION = "caption"
# Attributes Quarto reads for LaTeX only (float placement); nothing to do in any edition.
LATEX_ONLY = {"fig-pos", "fig-env", "fig-scap"}
ALIGNMENTS = {"left", "center", "right", "default"}
DIMENSION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px|cm|mm|in|inch|%|em|pt)?\s*$")
_ATTRIBUTES = re.compile(r"\{(" + ATTRIBUTE_BODY + r")\}")
_DESTINATION = re.compile(r"\(\s*(?:<([^<>\n]*)>|((?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*))"
                          r"(?:\s+(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?\s*\)")


class WrittenImage:
    """One `![caption](src "title"){attributes}` as written."""

    def __init__(self, caption: str, src: str, title: str, attributes: list[tuple[str, str]], end: int):
        self.caption = caption
        self.src = src
        self.title = title
        self.attributes = attributes
        self.end = end


def read_image(text: str, start: int = 0) -> WrittenImage | None:
    """The image written at `start` in `text`, or None when none is."""
    if not text.startswith("![", start):
        return None
    position = bracket_pairs(text).get(start + 1)  # the `]` that closes the caption
    if position is None:
        return None
    caption = text[start + 2:position]
    destination = _DESTINATION.match(text, position + 1)
    if destination is None:
        return None
    src = destination.group(1) if destination.group(1) is not None else destination.group(2)
    title = (destination.group(3) or "")[1:-1]
    end = destination.end()
    attributes: list[tuple[str, str]] = []
    block = _ATTRIBUTES.match(text, end)
    if block is not None:
        attributes = span_attributes(" ".join(block.group(1).split("\n")))
        end = block.end()
    return WrittenImage(caption, re.sub(r"\\(.)", r"\1", src), title, attributes, end)


def images_alone(block: str) -> list[WrittenImage] | None:
    """The images a paragraph consists of (whitespace between them), or None."""
    images, position = [], 0
    text = block.strip()
    while position < len(text):
        image = read_image(text, position)
        if image is None:
            return None
        images.append(image)
        position = image.end
        while position < len(text) and text[position] in " \t\n":
            position += 1
    return images or None


def image_element(image: WrittenImage) -> etree.Element:
    img = etree.Element("img")
    img.set("src", image.src)
    if image.title:
        img.set("title", image.title)
    for key, value in image.attributes:
        if key == "id":
            img.set("id", value)
        elif key == "class":
            img.set("class", value)
        elif re.fullmatch(r"[A-Za-z_:][\w:.-]*", key):
            img.set(key, value)
    img.set("alt", _plain(image.caption))
    return img


def figure_element(image: WrittenImage) -> etree.Element | None:
    """The figure for an image alone in its paragraph, or None when it has no caption."""
    img = image_element(image)
    caption = image.caption.strip() or img.attrib.pop("fig-cap", "").strip()
    if not caption:
        return None
    figure = etree.Element("figure")
    for name in ("id", "class"):
        value = img.attrib.pop(name, None)
        if value:
            figure.set(name, value)
    if "fig-alt" not in img.attrib:
        img.set("data-alt", ALT_FROM_CAPTION)  # the whole-book pass sets it from the caption
    figure.append(img)
    figcaption = etree.SubElement(figure, "figcaption")
    figcaption.text = caption  # Markdown: the inline patterns read it
    return figure


def normalise_image(img: etree.Element) -> list[str]:
    """fig-alt, width, height and fig-align as XHTML has them; returns what was not understood."""
    problems = []
    alt = img.attrib.pop("fig-alt", None)
    if alt is not None:
        img.set("alt", alt)
    img.attrib.pop("fig-cap", None)  # used for the caption, where there is one
    for name in LATEX_ONLY:
        img.attrib.pop(name, None)
    align = img.attrib.pop("fig-align", None)
    if align is not None:
        if align in ALIGNMENTS:
            img.set("class", " ".join([*(img.get("class") or "").split(), f"align-{align}"]))
        else:
            problems.append(f"fig-align={align}")
    style = []
    for name in ("width", "height"):
        value = img.attrib.pop(name, None)
        if value is None:
            continue
        m = DIMENSION.match(value)
        if m is None:
            problems.append(f"{name}={value}")
        elif m.group(2) in (None, "px") and "." not in m.group(1):
            img.set(name, m.group(1))  # pixels: the attribute XHTML knows
        else:
            unit = "in" if m.group(2) == "inch" else (m.group(2) or "px")
            style.append(f"{name}: {m.group(1)}{unit}")
    if style:
        img.set("style", "; ".join(style))
    return problems


def _plain(caption: str) -> str:
    """The caption roughly as text, until the whole-book pass knows it exactly."""
    return " ".join(re.sub(r"[*_`$]|\{[^{}]*\}|\\(?=.)", "", caption).split())


class FigureBlockProcessor(BlockProcessor):
    """A paragraph that is one captioned image becomes a figure."""

    def test(self, parent, block) -> bool:
        if not block.lstrip().startswith("!["):
            return False
        images = images_alone(block)
        return images is not None and len(images) == 1 and bool(
            images[0].caption.strip() or dict(images[0].attributes).get("fig-cap", "").strip())

    def run(self, parent, blocks) -> None:
        block = blocks.pop(0)
        figure = figure_element(images_alone(block)[0])
        parent.append(figure)


class ImageAttributesTreeprocessor(Treeprocessor):
    """Every image's attributes in their XHTML form (inline images get theirs from attr_list).
    What it cannot read is kept on the image as `data-unread`, for a located warning."""

    def run(self, root) -> None:
        for img in root.iter("img"):
            problems = normalise_image(img)
            if problems:
                img.set("data-unread", " ".join(problems))
