"""The names a font's licence reserves, read from its words.

The ebooks carry each face cut to the characters the book uses; under the SIL Open Font
License such a subset is a Modified Version, and a Modified Version may not use a Reserved
Font Name. The licence names them in its header, after the copyright lines, written one of
two ways: "Copyright ..., with Reserved Font Name "Foo"." or ""Foo" is a Reserved Font
Name for this Font Software.". Only the header is read: the licence's own body speaks of
"the Reserved Font Name(s)" in general, which reserves nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

# Where the OFL's own text begins; above it, the copyright holders' header.
LICENCE_BODY = re.compile(r"^[-\s]*SIL OPEN FONT LICENSE", re.IGNORECASE | re.MULTILINE)
# "with Reserved Font Name(s) X" up to the end of the sentence.
WITH_RESERVED = re.compile(r"\bwith\s+Reserved\s+Font\s+Names?\s*:?\s*(.+?)(?:\.(?:\s|$)|;|\n\s*\n|$)",
                           re.IGNORECASE | re.DOTALL)
# '"X" is a Reserved Font Name', '"X" and "Y" are Reserved Font Names'.
QUOTED_RESERVED = re.compile(r'((?:["“][^"”\n]+["”][\s,]*(?:and\s+)?)+)\s*(?:is|are)\s+(?:an?\s+)?Reserved\s+Font\s+Names?',
                             re.IGNORECASE)
QUOTED = re.compile(r'["“]([^"”\n]+)["”]')
# Files beside an author's font that may hold its licence.
LICENCE_FILES = ("OFL.txt", "OFL.md", "LICENSE.txt", "LICENSE", "FONTLOG.txt")


def reserved_names(text: str) -> tuple[str, ...]:
    """The Reserved Font Names a licence's header states, in the order written."""
    body = LICENCE_BODY.search(text)
    header = text[: body.start()] if body else text
    found: dict[str, None] = {}
    for match in WITH_RESERVED.finditer(header):
        written = " ".join(match.group(1).split())
        quoted = QUOTED.findall(written)
        names = quoted or re.split(r"\s*,\s*|\s+and\s+", written)
        found.update(dict.fromkeys(name.strip() for name in names if name.strip()))
    for match in QUOTED_RESERVED.finditer(header):
        found.update(dict.fromkeys(name.strip() for name in QUOTED.findall(match.group(1))))
    return tuple(found)


def licence_beside(font: Path) -> Path | None:
    """The licence file an author keeps beside a font file, if any."""
    return next((font.parent / name for name in LICENCE_FILES if (font.parent / name).is_file()), None)
