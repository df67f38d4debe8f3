"""Quarto's cross-reference divs: a figure or table made of what a fenced div holds.

    ::: {#fig-elephants layout-ncol=2}
    ![Surus](surus.png){#fig-surus}

    ![Hanno](hanno.png){#fig-hanno}

    Famous elephants
    :::

The div's last paragraph is the caption. Its images are sub-figures, each with its own
caption and label (`@fig-surus` reads "Figure 1.2(a)" once numbered), laid out in
`layout-ncol` columns (a class `cols-2` the themes style). A div that holds one image is
simply that figure, captioned. `::: {#tbl-x}` holding a table captions the table.

These run on the div's blocks before the inline patterns do, so captions are still the
author's Markdown here and are read as such afterwards.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as etree

from bookwright.parse.syntax.figures import ALT_FROM_CAPTION, image_element, images_alone

MAX_COLUMNS = 6


def _columns(attributes: dict, count: int) -> int:
    try:
        if "layout-ncol" in attributes:
            return int(attributes["layout-ncol"])
        if "layout-nrow" in attributes:
            return math.ceil(count / max(1, int(attributes["layout-nrow"])))
        if "layout" in attributes:
            rows = json.loads(attributes["layout"])
            return max(len(row) for row in rows)
    except (ValueError, TypeError):
        return 0
    return 0


def _caption_paragraph(div) -> etree.Element | None:
    last = div[-1] if len(div) else None
    if last is not None and last.tag == "p" and images_alone(last.text or "") is None and not len(last):
        return last
    return None


def _figures(child) -> list[etree.Element] | None:
    """The figures a block of the div is: a captioned figure, or a paragraph of images."""
    if child.tag == "figure" and "listing" not in (child.get("class") or "").split():
        return [child]
    if child.tag == "p" and not len(child):
        images = images_alone(child.text or "")
        if images is None:
            return None
        figures = []
        for image in images:
            img = image_element(image)
            figure = etree.Element("figure")
            for name in ("id", "class"):
                value = img.attrib.pop(name, None)
                if value:
                    figure.set(name, value)
            figure.append(img)
            if image.caption.strip():
                if "fig-alt" not in img.attrib:
                    img.set("data-alt", ALT_FROM_CAPTION)
                etree.SubElement(figure, "figcaption").text = image.caption
            figures.append(figure)
        return figures
    return None


def make_panel(div, attributes: dict, report) -> None:
    """The div becomes `<figure id=... class="panel cols-N">`, its images sub-figures."""
    caption = _caption_paragraph(div)
    if caption is not None:
        div.remove(caption)
    blocks = list(div)
    found = [(child, _figures(child)) for child in blocks]
    figures = [figure for _, group in found if group for figure in group]
    div.tag = "figure"
    div.attrib.clear()
    if attributes.get("id"):
        div.set("id", attributes["id"])
    classes = [c for c in attributes.get("class", "").split()]
    if len(figures) == 1 and len(blocks) == 1:
        # One image in a cross-reference div: the figure itself, captioned by the div.
        only = figures[0]
        for child in list(div):
            div.remove(child)
        for child in list(only):
            if child.tag == "figcaption":
                continue
            div.append(child)
        if only.get("class"):
            classes.append(only.get("class"))
        img = div.find("img")
        if img is not None and caption is not None and "fig-alt" not in img.attrib:
            img.set("data-alt", ALT_FROM_CAPTION)
    else:
        holder = etree.Element("div")
        columns = _columns(attributes, len(figures)) or len(figures) or 1
        if not 1 <= columns <= MAX_COLUMNS:
            report(f"a figure panel of {columns} columns is laid out in {MAX_COLUMNS}", f"layout-ncol is 1 to {MAX_COLUMNS}")
            columns = max(1, min(columns, MAX_COLUMNS))
        holder.set("class", f"subfigures cols-{columns}")
        for child in list(div):
            div.remove(child)
        for child, group in found:
            if not group:
                holder.append(child)
                continue
            for figure in group:
                figure.set("class", " ".join(["subfigure", *(figure.get("class") or "").split()]))
                holder.append(figure)
        div.append(holder)
        classes.insert(0, "panel")
    if classes:
        div.set("class", " ".join(classes))
    figcaption = etree.SubElement(div, "figcaption")
    if caption is not None:
        figcaption.text = caption.text


def make_table_div(div, attributes: dict) -> None:
    """`::: {#tbl-x}` with a table and a caption paragraph: the table, labelled and captioned."""
    table = div.find("table")
    caption = _caption_paragraph(div)
    if table is None:
        div.set("id", attributes["id"])
        return
    table.set("id", attributes["id"])
    if caption is not None and table.find("caption") is None:
        div.remove(caption)
        element = etree.Element("caption")
        element.text = " ".join((caption.text or "").split())
        table.insert(0, element)
    div.set("class", "table-holder")  # a plain wrapper; the table carries the label
