"""The README's reference of every book.toml option, generated from the declarations, so
that the author's guide says what the code accepts and cannot drift from it.

    python -m bookwright.load.reference              print the reference (Markdown)
    python -m bookwright.load.reference README.md    rewrite it between the markers there

tests/load/test_reference.py fails when the README's copy is not what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bookwright.load.toml import schema
from bookwright.options import EVERY_WORD, TABLES, Option
from bookwright.words import WORD_KEYS

BEGIN = "<!-- options: generated from the declarations by `python -m bookwright.load.reference README.md` -->"
END = "<!-- /options -->"
KINDS = {str: "string", list: "list", int: "integer", float: "number", bool: "true or false", dict: "table"}


def reference() -> str:
    """One table per [table] of book.toml: each key, its type, its default and what it sets."""
    options = schema()
    blocks = []
    for table in TABLES:
        rows = ["| Key | Type | Default | What it sets |", "|---|---|---|---|"]
        for option in dict.fromkeys(options[table.name].values()):  # [words]' keys share one declaration
            rows.append(f"| {_keys(option)} | {_kind(option)} | {_default(option)} | {option.doc} |")
        blocks.append(f"**`[{table.name}]`** {table.doc}\n\n" + "\n".join(rows))
    return "\n\n".join(blocks) + "\n"


def with_reference(readme: str) -> str:
    """`readme` with the text between the markers replaced by the reference."""
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return readme[:start] + "\n\n" + reference() + "\n" + readme[end:]


def _keys(option: Option) -> str:
    if option.key == EVERY_WORD:
        return ", ".join(f"`{key}`" for key in WORD_KEYS)
    return f"`{option.key}`"


def _kind(option: Option) -> str:
    kinds = [KINDS.get(kind, "date") for kind in option.accepts]
    if "number" in kinds and "integer" in kinds:
        kinds.remove("integer")  # a number may be written with or without a decimal point
    return " or ".join(kinds)


def _default(option: Option) -> str:
    if option.required:
        return "required"
    return f"`{option.default}`" if option.literal else option.default


def main(argv: list[str]) -> int:
    if not argv:
        sys.stdout.write(reference())
        return 0
    path = Path(argv[0])
    path.write_text(with_reference(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
