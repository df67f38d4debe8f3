"""Formulas: TeX checked and converted to MathML in the whole-book pass; equation numbers.

latex2mathml converts; it is lenient, so what it lets through that no reader could
render (an unknown command, an unbalanced brace, a fraction without a denominator) is
caught here and reported at the formula's line. The MathML goes into the model inside
the neutral `<span class="math">`, with the TeX kept in `data-tex`: the EPUB and web
editions show the MathML as it is; the PDF writer draws the same MathML as SVG
(`mathml_svg`), because WeasyPrint has no MathML.
"""

from __future__ import annotations

import functools
import re
import warnings

from lxml import etree, html

from bookwright.diagnostics import Diagnostics
from bookwright.model import ParsedChapter, ResolvedChapter, SourceLocation

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
# MathML elements with a fixed number of parts, and what a TeX author calls them.
ARITY = {
    "mfrac": (2, "a fraction needs a numerator and a denominator"),
    "msup": (2, "a superscript needs a base and an exponent"),
    "msub": (2, "a subscript needs a base and an index"),
    "msubsup": (3, "needs a base, a subscript and a superscript"),
    "mover": (2, "an accent or overscript needs its base"),
    "munder": (2, "an underscript needs its base"),
    "munderover": (3, "needs a base, an underscript and an overscript"),
    "mroot": (2, "a root needs its radicand and index"),
}


class FormulaError(ValueError):
    pass


@functools.lru_cache(maxsize=4096)
def tex_to_mathml(tex: str, display: bool) -> str:
    """MathML for a TeX formula; raises FormulaError with a message for the author."""
    import latex2mathml.converter

    _check_braces(tex)
    try:
        mathml = latex2mathml.converter.convert(tex, display="block" if display else "inline")
    except Exception as exc:  # the converter raises one class per kind of mistake
        raise FormulaError(_describe(exc)) from exc
    root = etree.fromstring(mathml.encode("utf-8"))
    for el in root.iter():
        text = (el.text or "").strip()
        if text.startswith("\\") and len(text) > 1:
            raise FormulaError(f"unknown command {text}")
        local = etree.QName(el).localname
        if local in ARITY and len(el) != ARITY[local][0]:
            raise FormulaError(ARITY[local][1])
    root.set("alttext", tex)
    return etree.tostring(root, encoding="unicode")


def formula_text(tex: str) -> str:
    """A formula as plain text, for places that hold no markup (an index term): what the
    MathML shows, `\\alpha_1` → "α1"; the TeX without its backslashes when it is malformed
    (the formula's own error is reported where it is set in the text, if it is)."""
    try:
        root = etree.fromstring(tex_to_mathml(tex, False).encode("utf-8"))
    except (FormulaError, etree.XMLSyntaxError):
        return " ".join(tex.replace("\\", " ").split())
    return "".join(root.itertext()).strip()


def _check_braces(tex: str) -> None:
    depth = 0
    for m in re.finditer(r"\\.|[{}]", tex):
        if m.group() == "{":
            depth += 1
        elif m.group() == "}":
            depth -= 1
            if depth < 0:
                raise FormulaError("a '}' closes no '{'")
    if depth:
        raise FormulaError("a '{' is never closed")


def _describe(exc: Exception) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(exc).__name__).lower().removesuffix(" error")
    detail = str(exc).strip()
    return words + (f": {detail}" if detail else "")


def resolve_formulas(chapter: ResolvedChapter, source: ParsedChapter, diags: Diagnostics) -> None:
    """Puts MathML into every `span.math` of the chapter; reports formulas that are malformed."""
    spans = [el for el in chapter.body.iter("span") if "math" in el.get("class", "").split()]
    for index, el in enumerate(spans):
        tex = el.text or ""
        display = el.get("data-display") == "block"
        use = source.formulas[index] if index < len(source.formulas) else None
        where = use.location if use else SourceLocation(source.source.path, 1, 1)
        try:
            mathml = tex_to_mathml(tex, display)
        except FormulaError as exc:
            diags.error_at(where, f"malformed formula ${tex}$: {exc}",
                           hint="formulas are LaTeX math; write \\$ for a dollar sign")
            continue
        el.set("data-tex", tex)
        el.text = None
        el.append(html.fragment_fromstring(mathml))


def number_equations(chapter: ResolvedChapter, unnumbered_count: list[int]) -> None:
    """Labelled display equations are numbered per chapter: (3.1), (3.2); others are not.
    Unnumbered chapters share `unnumbered_count` through the book, so two of them never
    both show an equation (1)."""
    count = 0 if chapter.number else unnumbered_count[0]
    for div in chapter.body.iter("div"):
        if "equation" not in div.get("class", "").split() or not div.get("id", "").startswith("eq-"):
            continue
        if div.xpath("ancestor::div[contains(@class,'footnote')]"):
            continue
        count += 1
        number = f"{chapter.number}.{count}" if chapter.number else str(count)
        div.set("data-number", number)
        label = html.Element("span")
        label.set("class", "equation-number")
        label.text = f"({number})"
        div.insert(0, label)  # first, so that it floats to the right of the formula's line
    if not chapter.number:
        unnumbered_count[0] = count


@functools.lru_cache(maxsize=4096)
def mathml_svg(mathml: str) -> tuple[str, float, float, float]:
    """The formula drawn as SVG by ziamath: (svg, width, height, depth below the baseline),
    the three sizes in em of the surrounding text."""
    with warnings.catch_warnings():
        # ziamath finds its bundled math font with a deprecated importlib call on import.
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath

    size = 20.0  # drawing units per em; the result is scaled with CSS em units
    margin = 0.5
    formula = ziamath.Math(mathml, size=size, margin=margin)
    svg = formula.svg()
    box = formula.node.bbox
    width = (box.xmax - box.xmin + 2 * margin) / size
    height = (box.ymax - box.ymin + 2 * margin) / size
    depth = (margin - box.ymin) / size
    return svg, width, height, depth


def contains_math(chapter: ResolvedChapter) -> bool:
    """Whether the chapter's document shows MathML (the EPUB manifest declares it)."""
    trees = [chapter.body] + [note.body for note in chapter.notes]
    return any(el.xpath(".//span[contains(concat(' ', @class, ' '), ' math ')]/math") for el in trees)
