"""The README's option reference is what the declarations generate, so an option cannot
be declared without being documented, or documented without being declared."""

from __future__ import annotations

import re

from bookwright.load.reference import BEGIN, END, reference, with_reference
from bookwright.model import Config
from bookwright.options import EVERY_WORD, TABLES, declared_options
from bookwright.words import WORD_KEYS

from support import ROOT

README = ROOT / "README.md"


def test_the_readme_holds_the_reference_the_declarations_generate():
    readme = README.read_text(encoding="utf-8")
    assert with_reference(readme) == readme, (
        "README.md's option tables are stale: run `python -m bookwright.load.reference README.md`")


def test_the_reference_names_every_declared_key_with_its_default_and_no_other():
    text = reference()
    sections = re.split(r"^\*\*`\[(\w+)\]`\*\*", text, flags=re.M)[1:]
    tables = dict(zip(sections[::2], sections[1::2]))
    assert list(tables) == [t.name for t in TABLES]
    documented = {(table, key) for table, body in tables.items()
                  for row in body.splitlines() if row.startswith("| `")
                  for key in re.findall(r"`([^`]+)`", row.split(" | ")[0])}
    declared = {(o.table, key) for o in declared_options(Config)
                for key in (WORD_KEYS if o.key == EVERY_WORD else (o.key,))}
    assert documented == declared
    assert '| `width` | string | `"6in"` | The page width' in tables["pdf"]
    assert "| `title` | string | required |" in tables["book"]


def test_the_markers_are_in_the_readme_once():
    readme = README.read_text(encoding="utf-8")
    assert readme.count(BEGIN) == 1 and readme.count(END) == 1 and readme.index(BEGIN) < readme.index(END)
