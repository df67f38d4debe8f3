"""Each option is declared once (model.py, options.py); what book.toml accepts, the defaults
a book gets and the readers all follow from those declarations."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
import textwrap

import pytest

from bookwright.diagnostics import Diagnostics
from bookwright.load.config import READERS, load_config
from bookwright.model import Config
from bookwright.options import EVERY_WORD, TABLES, declared_options
from bookwright.words import WORD_KEYS

MINIMAL = """\
[book]
title = "The Test Book"
authors = ["Ann Author"]
language = "en"
"""
# Every declared key but [words]' (one declaration, a key per word), plus a few words.
DECLARED = [(o.table, o.key) for o in declared_options(Config) if o.key != EVERY_WORD]
SOME_WORDS = [("words", "chapter"), ("words", "figure"), ("words", WORD_KEYS[-1])]


def read(tmp_path, text: str):
    (tmp_path / "book.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    (tmp_path / "01-a.md").write_text("# A chapter\n", encoding="utf-8")
    diags = Diagnostics(root=tmp_path)
    return load_config(tmp_path, diags), diags


def messages(diags: Diagnostics) -> list[str]:
    return [d.format().splitlines()[0] for d in diags.sorted()]


def with_key(table: str, line: str) -> str:
    """MINIMAL with `line` in `table` (instead of a key of the same name), at line 6."""
    if table == "book":
        kept = "".join(old for old in MINIMAL.splitlines(True) if old.split(" ")[0] != line.split(" ")[0])
        return kept + "\n" * (5 - kept.count("\n")) + line + "\n"
    return MINIMAL + f"[{table}]\n{line}\n"


# The options that take a table take no true or false: each gets the type it does not accept.
TAKES_A_TABLE = {(o.table, o.key) for o in declared_options(Config) if dict in o.accepts}


@pytest.mark.parametrize("table, key", DECLARED + SOME_WORDS)
def test_every_declared_key_is_checked_for_its_type_at_its_line(tmp_path, table, key):
    wrong, kind = ("true", "bool") if (table, key) in TAKES_A_TABLE else ("{ a = 1 }", "dict")
    _, diags = read(tmp_path, with_key(table, f"{key} = {wrong}"))
    (message,) = messages(diags)
    assert message.startswith(f"book.toml:6:1: error: '{table}.{key}' must be ")
    assert message.endswith(f", not {kind}")


@pytest.mark.parametrize("table", [t.name for t in TABLES])
def test_a_key_no_option_declares_is_an_error_that_lists_the_declared_ones(tmp_path, table):
    _, diags = read(tmp_path, with_key(table, "no-such-key = 1"))
    (error,) = diags.errors
    assert error.format().splitlines()[0] == f"book.toml:6:1: error: unknown key 'no-such-key' in [{table}]"
    declared = [key for t, key in DECLARED if t == table] or list(WORD_KEYS)
    assert error.hint == "known keys: " + ", ".join(declared)


def test_an_absent_key_leaves_the_declared_default(tmp_path):
    (config, _), diags = read(tmp_path, MINIMAL)
    assert diags.items == []
    # Defaults worked out from the rest of the book when the key is absent, as their README line says.
    worked_out = {("book", "identifier"), ("book", "chapters"), ("style", "theme")}
    compared = []

    def walk(value):
        for f in dataclasses.fields(value):
            option = f.metadata.get("option")
            if "options_of" in f.metadata:
                walk(getattr(value, f.name))
            elif option is not None and not option.required and (option.table, option.key) not in worked_out:
                compared.append(option.key)
                held = getattr(value, f.name)
                default = f.default_factory() if f.default is dataclasses.MISSING else f.default
                assert held == default, f"[{option.table}] {option.key}"
                if option.literal:  # and the README states it as written in TOML
                    assert toml_literal(held) == option.default, f"[{option.table}] {option.key}"

    walk(config)
    assert {"subtitle", "cover", "csl", "depth", "width", "font-size", "opening", "profiles", "icc", "isbn",
            "accessibility-summary", "base-url", EVERY_WORD, "figures", "placement"} <= set(compared)


def toml_literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple):
        return "[" + ", ".join(map(toml_literal, value)) + "]"
    return str(value)


def test_every_table_has_one_reader_and_every_reader_the_same_shape(tmp_path):
    assert list(READERS) == [t.name for t in TABLES]
    assert {o.table for o in declared_options(Config)} == set(READERS)
    for name, reader in READERS.items():
        assert list(inspect.signature(reader).parameters) == ["table", "at", "diags"], name


def test_the_readme_order_is_the_order_options_are_declared_in():
    # The hints and the README list tables in TABLES order; the declarations must agree.
    tables_in_declared_order = list(dict.fromkeys(o.table for o in declared_options(Config)))
    assert tables_in_declared_order == [t.name for t in TABLES]


def test_the_print_isbn_is_a_print_option(tmp_path):
    (config, _), diags = read(tmp_path, MINIMAL + '[print]\nisbn = "978-0-00-000000-2"\n')
    assert diags.items == []
    assert config.print.isbn == "urn:isbn:9780000000002"
    assert not hasattr(config.accessibility, "print_isbn")  # read from [print] only, never copied


def test_the_config_survives_pickling_with_its_key_locations_and_text(tmp_path):
    # The parse pool and the caches pickle what they hand on.
    (config, _), _ = read(tmp_path, MINIMAL + '[pdf]\n  trim = "a5"\n')
    copy = pickle.loads(pickle.dumps(config))
    assert copy == config
    assert copy.location_of("pdf", "trim") == config.location_of("pdf", "trim")
    assert (copy.location_of("pdf", "trim").line, copy.location_of("pdf", "trim").col) == (6, 3)
    assert copy.toml.text == (tmp_path / "book.toml").read_text(encoding="utf-8")


def test_the_config_cannot_be_changed_after_loading(tmp_path):
    (config, _), _ = read(tmp_path, MINIMAL)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.page.width = "7in"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.metadata.title = "Another"  # type: ignore[misc]
