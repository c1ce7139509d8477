"""The context of the 2020 analysis, which most section tests read."""

from __future__ import annotations

import pytest

from qdanalysis.present.sections.base import Context


@pytest.fixture(scope="session")
def ctx2020(analysis2020) -> Context:
    return Context(analysis2020)
