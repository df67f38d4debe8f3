"""The tree is the map, and the imports keep it true: every import in `src/bookwright` points
down the pipeline (cli → build → writers → resolve → parse → load → vocabulary), editions do
not import each other, and no two modules import each other, even through a function-local
import. Read from the source with `ast`, so nothing is imported to check it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "bookwright"
# The stage folders, lowest first; top-level modules are the vocabulary below them all.
LAYERS = ("load", "parse", "resolve", "writers", "build", "cli")
COMMAND = ("__main__",)  # `python -m bookwright` is the command line
EDITION_FOLDERS = ("epub", "pdf", "web")
TOP_LEVEL_LIMIT = 8


def modules() -> dict[str, Path]:
    found = {}
    for path in (SRC / PACKAGE).rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = modules()
assert len(MODULES) > 50 and all(f"{PACKAGE}.{stage}" in MODULES for stage in LAYERS), "the scan found the package"


def imports(name: str) -> list[tuple[str, int]]:
    """(module of bookwright imported, line) for every import in `name`, at any depth."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    # Imports under `if TYPE_CHECKING:` are never run: they name types for readers and checkers.
    typing_only = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.If) and _is_type_checking(node.test)
                   for child in node.body for inner in ast.walk(child)}
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".") if is_package else name.split(".")[:-1]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            # `from package import module` imports the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target.startswith(PACKAGE + ".") and target != name:
                found.append((target, node.lineno))
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def layer(name: str) -> int:
    """0 for the vocabulary (top-level modules), then 1.. for the stages in LAYERS order."""
    parts = name.split(".")[1:]
    if parts and parts[0] in COMMAND:
        return len(LAYERS)
    return LAYERS.index(parts[0]) + 1 if parts and parts[0] in LAYERS else 0


def edition_of(name: str) -> tuple[str, ...]:
    """The edition folder a writers module lives in: () at the root, ("pdf",), ("pdf", "print")."""
    parts = name.split(".")[1:]
    if len(parts) < 2 or parts[0] != "writers" or parts[1] not in EDITION_FOLDERS:
        return ()
    return (parts[1], "print") if parts[1:3] == ["pdf", "print"] else (parts[1],)


def is_parent(child: str, parent: str) -> bool:
    return child.startswith(parent + ".")


def test_every_import_points_down_the_pipeline():
    upward = []
    for name in MODULES:
        for target, line in imports(name):
            if layer(target) > layer(name):
                upward.append(f"{MODULES[name].relative_to(SRC)}:{line}: {name} imports {target}")
    assert upward == []


def test_the_vocabulary_imports_only_vocabulary():
    vocabulary = [name for name in MODULES if layer(name) == 0]
    assert [(name, target) for name in vocabulary for target, _ in imports(name) if layer(target) != 0] == []


def test_editions_do_not_import_each_other():
    """Code two editions share lives at writers/ root; `pdf/print` builds on `pdf`, never the reverse."""
    crossing = []
    for name in (name for name in MODULES if name.startswith(PACKAGE + ".writers")):
        mine = edition_of(name)
        for target, line in imports(name):
            theirs = edition_of(target)
            if not theirs or theirs == mine or mine[: len(theirs)] == theirs:
                continue  # the root, the same edition, or the edition this one builds on
            crossing.append(f"{MODULES[name].relative_to(SRC)}:{line}: {name} imports {target}")
    assert crossing == []


def test_no_module_imports_itself_back():
    """No cycle, counting imports made inside functions (which would otherwise hide one).
    A package's own modules may import each other through the package's `__init__`."""
    edges = {name: {t for t, _ in imports(name) if not is_parent(name, t)} for name in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in MODULES:
        if name not in index:
            visit(name)
    assert cycles == []


def test_the_top_level_holds_only_a_few_vocabulary_modules():
    top = sorted(p.name for p in (SRC / PACKAGE).glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    assert len(top) <= TOP_LEVEL_LIMIT, top


@pytest.mark.parametrize("source, expected", [
    ("from bookwright.writers.pdf import document\n", ["bookwright.writers.pdf.document"]),
    ("def f():\n    from bookwright.cli import serve\n", ["bookwright.cli.serve"]),
    ("from . import common\n", ["bookwright.writers.common"]),
])
def test_the_scan_sees_every_kind_of_import(tmp_path, monkeypatch, source, expected):
    """The scan itself, on imports written the three ways the code base uses."""
    probe = SRC / PACKAGE / "writers" / "__init__.py"
    fake = tmp_path / "__init__.py"
    fake.write_text(source)
    monkeypatch.setitem(MODULES, "bookwright.writers", fake)
    assert probe.exists()
    assert [target for target, _ in imports("bookwright.writers")] == expected


def test_pdfium_is_opened_only_behind_its_lock():
    """PDFium is not thread-safe and editions are written in threads: every document is
    opened through writers/pdfium_access.py, which holds one lock while it is open."""
    opened = [f"{path.relative_to(SRC)}:{number}"
              for path in sorted((SRC / PACKAGE).rglob("*.py")) if path.name != "pdfium_access.py"
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
              if "PdfDocument(" in line and "pdfium" in line]
    assert not opened, "PDFium opened without writers/pdfium_access.pdfium_document:\n" + "\n".join(opened)
