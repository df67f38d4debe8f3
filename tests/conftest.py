from __future__ import annotations

import multiprocessing

import pytest

from bookwright.writers.epub import gate
from support import SAMPLE, SharedBuilds, build_book


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The sample book built once per test session: EPUB, PDF and the web edition."""
    out = tmp_path_factory.mktemp("sample-dist")
    result = build_book(SAMPLE, out, formats=("epub", "pdf", "web"))
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    return result


@pytest.fixture(scope="session")
def sample_outputs(sample_build):
    return {o.format: o.path for o in sample_build.outputs}


@pytest.fixture(scope="session")
def gate_tools():
    """The EPUB gate's tools (EPUBCheck, Ace), or the test is skipped where they are missing."""
    found = gate.find_tools()
    if not found.complete:
        pytest.skip(f"the gate's tools are missing here: {', '.join(found.missing())}")
    return found


@pytest.fixture(scope="session")
def shared_builds(tmp_path_factory) -> SharedBuilds:
    """Fixture books built once per session: `shared_builds("xref-book")` (support.SharedBuilds)."""
    return SharedBuilds(tmp_path_factory.mktemp("shared-builds"))


def pytest_sessionfinish(session, exitstatus):
    # A layout pool the tests broke on purpose (tests/build/test_layout_cache.py kills its
    # workers) may leave a worker its manager could not reap; multiprocessing would wait
    # for it at exit for ever, after every test had passed.
    for child in multiprocessing.active_children():
        child.kill()
        child.join(5)


def pytest_addoption(parser):
    parser.addoption("--regen-goldens", action="store_true", default=False,
                     help="rewrite the golden files under tests/books/*/expected/ from this build "
                          "instead of comparing against them")
