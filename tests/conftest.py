from __future__ import annotations

import pytest

from support import SAMPLE, build_book


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
