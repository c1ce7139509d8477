"""fmt: numbers and amounts as the report writes them."""

from __future__ import annotations

import pytest

from qdanalysis.fmt import count_text, wan


@pytest.mark.parametrize("n, text", [(6_000_000, "600万"), (51_000, "5.1万"), (92, "92"), (None, "未披露")])
def test_count_text(n, text):
    assert count_text(n) == text


def test_wan_rounds_half_up():
    assert wan(11398.5) == "1.14万元" and wan(None) == "未披露"
