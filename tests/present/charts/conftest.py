"""What every chart test module shares: figures closed after each test, and the 2020 data as loaded."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

import qdanalysis


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def y2020():
    return qdanalysis.load_year(2020)
