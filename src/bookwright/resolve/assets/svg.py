"""SVG images made inert: nothing in them runs, fetches or expands.

An SVG is XML that can carry scripts, event handlers, links to other files and entity
declarations (the "billion laughs" and external-entity attacks). It is parsed with
entity expansion, DTD loading and network access off, then cleaned: scripts, foreign
content and handlers are removed, every reference must stay inside the image (`#id`)
or be an embedded raster image, and CSS may not import or point elsewhere. What was
removed is reported, so the author knows the image changed.
"""

from __future__ import annotations

import re

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Namespaces whose elements carry behaviour or other documents, never drawing.
FORBIDDEN_NAMESPACES = {"http://www.w3.org/1999/xhtml", "http://www.w3.org/2001/XInclude"}
FORBIDDEN_ELEMENTS = {"script", "foreignObject", "handler", "listener", "iframe", "object", "embed"}
DRAWS_REFERENCE = {"image", "feImage", "use"}
ANIMATIONS = {"set", "animate", "animateMotion", "animateTransform", "animateColor"}
# Embedded rasters are self-contained; an embedded SVG could bring a script back in.
EMBEDDED_IMAGE = re.compile(r"^\s*data:image/(png|jpeg|gif|webp)[;,]", re.I)
LINK_SCHEMES = re.compile(r"^\s*(https?:|mailto:|#)", re.I)
CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.I)


class SvgProblem(Exception):
    """The SVG cannot be used at all."""


def _local(name: str) -> str:
    return etree.QName(name).localname if name.startswith("{") else name


def _namespace(name: str) -> str:
    return etree.QName(name).namespace or "" if name.startswith("{") else ""


def _css_is_external(css: str) -> bool:
    if "@import" in css.lower():
        return True
    return any(not target.startswith("#") and not EMBEDDED_IMAGE.match(target) for target in CSS_URL.findall(css))


def clean_svg(data: bytes) -> tuple[bytes, list[str]]:
    """Returns the SVG to embed and what was removed (empty when the file is unchanged)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_blank_text=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SvgProblem(f"is not well-formed SVG: {exc.msg} (line {exc.lineno} of the SVG)") from None
    except ValueError as exc:
        raise SvgProblem(f"is not well-formed SVG: {exc}") from None
    if not isinstance(root.tag, str) or root.tag != f"{{{SVG_NS}}}svg":
        raise SvgProblem("is not an SVG image (its root element is not <svg> in the SVG namespace)")
    removed: list[str] = []

    doctype = root.getroottree().docinfo.internalDTD
    if doctype is not None and any(True for _ in doctype.iterentities()):
        removed.append("its entity declarations (entities are never expanded)")
    for entity in list(root.iter(etree.Entity)):
        removed.append(f"the entity reference {entity.text}")
        _drop(entity)
    previous = root.getprevious()
    while previous is not None:
        if isinstance(previous, etree._ProcessingInstruction) and previous.target == "xml-stylesheet":
            removed.append("an xml-stylesheet instruction (an external stylesheet)")
        previous = previous.getprevious()
    for pi in list(root.iter(etree.ProcessingInstruction)):
        removed.append(f"a <?{pi.target}?> instruction")
        _drop(pi)

    for el in list(root.iter()):
        if not isinstance(el.tag, str) or not (el is root or any(a is root for a in el.iterancestors())):
            continue  # a comment, or inside an element already removed
        name, namespace = _local(el.tag), _namespace(el.tag)
        if namespace in FORBIDDEN_NAMESPACES or (namespace == SVG_NS and name in FORBIDDEN_ELEMENTS):
            removed.append(f"a <{name}> element")
            el.getparent().remove(el)  # with its content: none of it is drawing
            continue
        if namespace == SVG_NS and name in ANIMATIONS and el.get("attributeName", "").split(":")[-1] == "href":
            removed.append(f"a <{name}> that changes a link")
            el.getparent().remove(el)
            continue
        if namespace == SVG_NS and name == "style" and _css_is_external(el.text or ""):
            removed.append("a <style> that imports or points to other files")
            el.getparent().remove(el)
            continue
        for attr in list(el.attrib):
            value = el.attrib[attr]
            attr_name = _local(attr)
            if attr_name.lower().startswith("on"):
                removed.append(f"the event handler {attr_name}")
                del el.attrib[attr]
            elif attr_name == "href" and _namespace(attr) in ("", XLINK_NS):
                allowed = LINK_SCHEMES.match(value) if name == "a" else (
                    value.strip().startswith("#") or EMBEDDED_IMAGE.match(value))
                if not allowed:
                    removed.append(f"the reference to '{value[:80]}' (an SVG image must be self-contained)")
                    del el.attrib[attr]
                    if name in DRAWS_REFERENCE and el.getparent() is not None:
                        el.getparent().remove(el)  # without its source it would draw nothing, or fail
                        break
            elif "url(" in value.lower() and _css_is_external(value):
                removed.append(f"the {attr_name} attribute pointing to another file")
                del el.attrib[attr]

    if not removed:
        return data, []
    cleaned = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return cleaned, list(dict.fromkeys(removed))


def _drop(node) -> None:
    """Removes a node but keeps the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)
