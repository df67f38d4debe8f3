"""Fonts cut down to what an ebook shows: the characters of its documents and stylesheet,
with the layout features its stylesheet turns on.

A whole face is hundreds of kilobytes, most of it glyphs a book never sets (Cyrillic,
Greek, Vietnamese, symbols); an EPUB store charges delivery by the megabyte and a web page
waits for its fonts. A subset keeps every glyph the edition can show: the characters of
every document it carries (text and attribute values, which CSS may print with attr()),
the strings its stylesheet prints (`content:`, `quotes:`), both cases of each letter (for
`text-transform` and synthesised small capitals), and printable ASCII (list numbers, the
hyphen hyphenation adds, what a reader types into the web edition's search box). Glyphs
reached through the features kept (small capitals, old-style figures, ligatures, kerning,
a math font's stretchy variants) come along by the subsetter's own closure.

Under the SIL Open Font License a subset is a Modified Version: where the face's licence
reserves a name that the face is called by, the subset's name records (and its CFF names)
are rewritten to a name of bookwright's (`subset_family`), and the editions' stylesheets
call it by that name. The bytes depend only on the font file and what is kept: the same
book gives the same subset, byte for byte.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import tinycss2
from lxml import etree

from bookwright.model import Face

# The layout features every subset keeps (with the subsetter's own defaults: kerning,
# common ligatures, marks, contextual alternates, fractions), and the math ones a MATH
# table's script styles and flattened accents need.
ALWAYS_FEATURES = ("kern", "liga", "clig", "calt", "ccmp", "locl", "mark", "mkmk", "ssty", "flac", "dtls")
# What each CSS keyword of the font-variant properties turns on.
VARIANT_FEATURES = {
    "small-caps": ("smcp",), "all-small-caps": ("smcp", "c2sc"), "petite-caps": ("pcap",),
    "all-petite-caps": ("pcap", "c2pc"), "unicase": ("unic",), "titling-caps": ("titl",),
    "oldstyle-nums": ("onum",), "lining-nums": ("lnum",), "proportional-nums": ("pnum",),
    "tabular-nums": ("tnum",), "diagonal-fractions": ("frac",), "stacked-fractions": ("afrc",),
    "ordinal": ("ordn",), "slashed-zero": ("zero",), "common-ligatures": ("liga", "clig"),
    "discretionary-ligatures": ("dlig",), "historical-ligatures": ("hlig",), "contextual": ("calt",),
    "historical-forms": ("hist",), "sub": ("subs",), "super": ("sups",),
}
FEATURE_PROPERTIES = {"font-variant", "font-variant-caps", "font-variant-numeric", "font-variant-ligatures",
                      "font-variant-position", "font-variant-alternates", "font-feature-settings", "font-kerning"}
# Printed by CSS without being in any document: its strings.
PRINTING_PROPERTIES = {"content", "quotes"}
ASCII = frozenset(chr(code) for code in range(0x20, 0x7F))
# A reading system or browser may set these where the text has none: a no-break space,
# the hyphen of an automatic break, an ellipsis, list bullets.
TYPESETTING = frozenset("\u00a0\u2010\u2011\u2026\u2022\u25e6\u25aa")
# Where the subsets are kept in a build's cache folder, how many, and the version of their
# making (raise it when what a subset keeps changes).
SUBSET_CACHE = "font-subsets"
SUBSET_CACHE_ENTRIES = 48
SUBSET_CACHE_VERSION = 2
# Characters no face sets: controls, surrogates, unassigned code points.
NOT_SET = {"Cc", "Cs", "Cn"}
# What a name is given in place of a reserved one.
SUBSET_NAME = "Book Subset"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
# MathML's mathvariant values → the word Unicode's names give each style of the
# Mathematical Alphanumeric Symbols (a single-letter <mi> is italic by default).
MATH_VARIANTS = {"italic": "ITALIC", "bold": "BOLD", "bold-italic": "BOLD ITALIC", "double-struck": "DOUBLE-STRUCK",
                 "script": "SCRIPT", "fraktur": "FRAKTUR", "sans-serif": "SANS-SERIF", "monospace": "MONOSPACE",
                 "bold-script": "BOLD SCRIPT", "bold-fraktur": "BOLD FRAKTUR", "bold-sans-serif": "SANS-SERIF BOLD",
                 "sans-serif-italic": "SANS-SERIF ITALIC", "sans-serif-bold-italic": "SANS-SERIF BOLD ITALIC"}
# Letters of those styles that Unicode encoded earlier, outside the block (ℎ, ℝ, ℭ, ...).
LETTERLIKE_STYLES = {"PLANCK CONSTANT": "ITALIC", "DOUBLE-STRUCK": "DOUBLE-STRUCK", "SCRIPT": "SCRIPT",
                     "BLACK-LETTER": "FRAKTUR"}
# Characters MathML draws that no document holds: the radical of <msqrt> and <mroot>.
MATH_DRAWN = frozenset("\u221a")


def shown_characters(documents: Iterable[etree._Element], css: str, also: str = "") -> frozenset[str]:
    """Every character the documents and the stylesheet can put on a page (and `also`:
    what a script writes into them)."""
    found: set[str] = set(ASCII | TYPESETTING) | set(also)
    for root in documents:
        for element in root.iter():
            if isinstance(element.tag, str):
                found.update(element.text or "")
                for value in element.attrib.values():
                    found.update(value)
            found.update(element.tail or "")
    found.update(printed_strings(css))
    for character in list(found):
        found.update(character.upper())
        found.update(character.lower())
    # Every character but controls and unassigned code points: the spaces of every width
    # (a narrow no-break space before a French colon) and the format characters that steer
    # shaping (a zero-width joiner) are set in the face too.
    return frozenset(ch for ch in found if unicodedata.category(ch) not in NOT_SET)


def math_characters(documents: Iterable[etree._Element]) -> frozenset[str]:
    """The characters set in a math font: the text of every <math> element, in each
    mathematical style it is shown in, and the radical MathML draws. Empty without math."""
    text: set[str] = set()
    variants = {"italic"}
    for root in documents:
        for math in root.iter("{%s}math" % MATHML_NS, "math"):
            for element in math.iter():
                if isinstance(element.tag, str):
                    text.update(element.text or "")
                    variants.add(element.get("mathvariant", "italic"))
                    if element is not math:
                        text.update(element.tail or "")
    if not text:
        return frozenset()
    return frozenset(text | MATH_DRAWN | _styled_letters(text, variants))


def _styled_letters(text: set[str], variants: set[str]) -> set[str]:
    """The Mathematical Alphanumeric Symbols that show `text`'s letters and digits in `variants`."""
    wanted = {MATH_VARIANTS[v] for v in variants if v in MATH_VARIANTS}
    found = set()
    for code in [*range(0x1D400, 0x1D800), *range(0x2100, 0x2150)]:
        character = chr(code)
        plain = unicodedata.normalize("NFKC", character)
        if plain not in text or plain == character:
            continue
        name = unicodedata.name(character, "")
        if code >= 0x1D400:
            style = re.sub(r"^MATHEMATICAL |\s+(CAPITAL|SMALL|DIGIT)\b.*$", "", name)
        else:
            style = next((s for prefix, s in LETTERLIKE_STYLES.items() if name.startswith(prefix)), "")
        if style in wanted:
            found.add(character)
    return found


def printed_strings(css: str) -> str:
    """The text of the strings `content:` and `quotes:` declarations print."""
    printed = []
    for declaration in _declarations(css):
        if declaration.lower_name in PRINTING_PROPERTIES:
            printed.extend(token.value for token in _flat(declaration.value) if token.type == "string")
    return "".join(printed)


def layout_features(css: str) -> tuple[str, ...]:
    """The OpenType features the stylesheet turns on, with the ones every subset keeps."""
    features = set(ALWAYS_FEATURES)
    for declaration in _declarations(css):
        if declaration.lower_name not in FEATURE_PROPERTIES:
            continue
        for token in _flat(declaration.value):
            if token.type == "ident":
                features.update(VARIANT_FEATURES.get(token.lower_value, ()))
            elif token.type == "string" and len(token.value) == 4:  # font-feature-settings: "smcp"
                features.add(token.value)
    return tuple(sorted(features))


def _declarations(css: str):
    """Every declaration of the stylesheet, inside @media and the other at-rules too."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return _declarations_in(rules)


def _declarations_in(rules):
    for rule in rules:
        if rule.type not in ("qualified-rule", "at-rule") or rule.content is None:
            continue
        content = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
        for item in content:
            if item.type == "declaration":
                yield item
            elif item.type in ("qualified-rule", "at-rule"):
                yield from _declarations_in([item])


def _flat(tokens):
    for token in tokens:
        yield token
        if token.type == "function":
            yield from _flat(token.arguments)


def subset_family(face: Face) -> str:
    """The family name the face's subsets go by: its own, unless its licence reserves a name
    it contains; then that name is replaced by bookwright's own."""
    name = face.name
    for reserved in face.reserved_names:
        name = re.sub(re.escape(reserved), SUBSET_NAME, name, flags=re.IGNORECASE)
    if name == face.name:
        return name
    return " ".join(name.replace(f"{SUBSET_NAME} {SUBSET_NAME}", SUBSET_NAME).split())


def subset_font(path: Path, characters: frozenset[str], features: tuple[str, ...], face: Face,
                flavor: str | None = None, cache: Path | None = None) -> bytes:
    """The font at `path` cut to `characters`, keeping `features`; renamed where the face's
    licence requires; as WOFF2 for `flavor="woff2"`, else in its own format. `cache`: a
    folder where the subsets of earlier builds are kept (cutting a face takes most of a
    second; an edit that brings no new character brings no new subset)."""
    text = "".join(sorted(characters))

    def cut() -> bytes:
        whole = _subset(path, path.stat().st_mtime_ns, text, features, face.name, face.reserved_names,
                        subset_family(face))
        return _woff2(whole) if flavor == "woff2" else whole

    if cache is None:
        return cut()
    from fontTools import version as fonttools_version

    key = hashlib.sha256(repr((SUBSET_CACHE_VERSION, fonttools_version, hashlib.sha256(path.read_bytes()).hexdigest(),
                               text, features, face.name, face.reserved_names, flavor)).encode()).hexdigest()
    return _cached(cache / SUBSET_CACHE, key, cut)


def _cached(folder: Path, key: str, make) -> bytes:
    """make()'s bytes, kept in `folder` under `key` with their SHA-256, so that an entry
    that was damaged (truncated, edited) is not trusted: it is made again."""
    entry = folder / f"{key}.font"
    try:
        kept = entry.read_bytes()
        if len(kept) > 32 and hashlib.sha256(kept[32:]).digest() == kept[:32]:
            os.utime(entry)  # recently used: kept when the folder is pruned
            return kept[32:]
    except OSError:
        pass
    data = make()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        part = folder / f".{key}.{os.getpid()}.part"
        part.write_bytes(hashlib.sha256(data).digest() + data)
        os.replace(part, entry)
        entries = sorted(folder.glob("*.font"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-SUBSET_CACHE_ENTRIES]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return data


_CUTTING = threading.Lock()


@functools.lru_cache(maxsize=64)
def _subset(path: Path, mtime_ns: int, characters: str, features: tuple[str, ...], family: str,
            reserved: tuple[str, ...], renamed: str) -> bytes:
    # Cached: the EPUB and the site of one build cut the same files to nearly the same
    # characters, and the live preview rebuilds in one process (mtime_ns: a font file
    # changed on disk is a new key).
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = sorted(set(options.layout_features) | set(features))
    options.notdef_outline = True  # a character no face has shows as a box, not as nothing
    options.recalc_timestamp = False  # head.modified stays the font's own: reproducible
    # One cut at a time: the subsetter's log level is the process's, and the EPUB and the
    # site cut theirs in threads of their own (a cut is Python: they would not run side by side).
    with _CUTTING:
        quiet = subset.log.level
        subset.log.setLevel(logging.ERROR)  # "FFTM NOT subset; dropped": the subsetter's notes, not the author's business
        try:
            # lazy: only the lookups the kept features reach are decompiled (the same bytes, half
            # the time); the bounding boxes stay the whole face's, which hold every glyph kept
            # (measuring each kept outline again was a third of the time, for a box a few units smaller)
            with TTFont(str(path), recalcTimestamp=False, recalcBBoxes=False, lazy=True) as font:
                subsetter = subset.Subsetter(options)
                subsetter.populate(unicodes=[ord(ch) for ch in characters])
                subsetter.subset(font)
                if renamed != family:
                    _rename(font, reserved)
                out = io.BytesIO()
                subset.save_font(font, out, options)
        finally:
            subset.log.setLevel(quiet)
    return out.getvalue()


@functools.lru_cache(maxsize=64)
def _woff2(font: bytes) -> bytes:
    """The font repackaged as WOFF2: the same tables, Brotli-compressed."""
    from fontTools.ttLib import TTFont

    out = io.BytesIO()
    with TTFont(io.BytesIO(font), recalcTimestamp=False) as packed:
        packed.flavor = "woff2"
        packed.save(out)
    return out.getvalue()


def _rename(font, reserved: tuple[str, ...]) -> None:
    """The font's names with each reserved name replaced as `subset_family` replaces it; its
    PostScript name and unique ID (often an abbreviation of the reserved name) made anew."""
    pattern = re.compile("|".join(re.escape(name) for name in sorted(reserved, key=len, reverse=True)),
                         re.IGNORECASE)
    names = font["name"]
    family = pattern.sub(SUBSET_NAME, str(names.getDebugName(16) or names.getDebugName(1)))
    style = str(names.getDebugName(17) or names.getDebugName(2) or "Regular")
    postscript = f"{family}-{style}".replace(" ", "")
    for record in names.names:
        if record.nameID in (3, 6):
            record.string = postscript
        elif record.nameID not in (0, 7, 13, 14):  # copyright, trademark and licence stay as written
            text = record.toUnicode()
            if pattern.search(text):
                record.string = pattern.sub(SUBSET_NAME, text)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames[0] = postscript
        top = cff.topDictIndex[0]
        for key in ("FamilyName", "FullName"):
            if hasattr(top, key):
                setattr(top, key, pattern.sub(SUBSET_NAME, getattr(top, key)))
