"""Pandoc's key grammar, shared by cross-references and citations.

A key starts with a letter, digit or `_` and goes on with those and internal punctuation
(`:.#%&-+?~/`): a punctuation mark belongs to the key only when a letter or digit follows
it, so `@sec-experiments---the` names `sec-experiments` and `@smith2004.` ends before the
full stop. A key with a label prefix (`sec-`, `fig-`, ...) is a cross-reference; Quarto's
sentence-start form capitalises the prefix (`@Fig-loop` prints "Figure 1.2" with a
capital, whatever the book's word for it).
"""

from __future__ import annotations

from bookwright.model import LABEL_KINDS

PUNCTUATION = r":.#%&+?~/-"
KEY_TAIL = rf"(?:\w|[{PUNCTUATION}](?=\w))*"
_PREFIXES = "|".join([*LABEL_KINDS, *(kind.capitalize() for kind in LABEL_KINDS)])
# A label as written after `@`: `sec-x` or `Sec-x`; its punctuation is only `:.-`, as in ids.
LABEL = rf"(?:{_PREFIXES})-\w(?:\w|[:.-](?=\w))*"
# Every other key is a citation key.
CITATION_KEY = rf"(?!(?:{_PREFIXES})-)\w{KEY_TAIL}"


def label_of(written: str) -> str:
    """The label a written reference names: `Fig-loop` → `fig-loop`."""
    prefix, _, rest = written.partition("-")
    return f"{prefix.lower()}-{rest}"


def is_capitalised(written: str) -> bool:
    return written[:1].isupper()


def in_address(data: str, at: int) -> bool:
    """Whether the `@` at `at` is part of a web address (`https://example.org/@user`,
    `<https://...>`, `www.example.org/@x`), which the link patterns read after the keys'."""
    start = max(data.rfind(" ", 0, at), data.rfind("\n", 0, at), data.rfind("\t", 0, at), data.rfind("(", 0, at)) + 1
    token = data[start:at].lstrip("<")
    return "://" in token or token.startswith("www.")
