"""The domain's vocabulary and the year-folder rule."""

from __future__ import annotations

import pytest

from qdanalysis import domain
from qdanalysis.domain import is_year_name


@pytest.mark.parametrize("name, expected", [
    ("2020", True),
    ("1999", True),
    ("0000", True),
    ("02020", False),     # five digits
    ("202", False),
    ("20a0", False),
    ("１２３４", False),  # full-width digits: isdigit() says yes, but no folder of that year is ever read
    ("２０２０", False),
    ("2020 ", False),
    (" 2020", False),
    ("2020\n", False),
    ("-202", False),
    ("²０²０", False),
    ("", False),
    ("scoring-2020", False),
])
def test_a_four_digit_name_is_a_year(name, expected):
    assert is_year_name(name) is expected


def test_the_words_the_stages_share():
    assert (domain.UNDISCLOSED, domain.DERIVED, domain.NOT_ADJUSTED, domain.ONE_OFF) == ("未披露", "推算", "未调整", "一次性")
    assert domain.NOT_YET_EVIDENCED == "待补充佐证" and domain.DEMO_LABEL == "示例数据"


def test_the_readers_and_the_writers_use_the_same_words():
    from qdanalysis.analyse.scoring_table import STATUS_MISSING
    from qdanalysis.read.loaders.contracts import BILLING
    from qdanalysis.read.parsing import is_blank

    assert STATUS_MISSING == domain.NOT_YET_EVIDENCED      # the score sheet's status is the word the form reads back
    assert domain.ONE_OFF in BILLING and domain.ONE_OFF in BILLING[domain.ONE_OFF]
    assert is_blank(domain.UNDISCLOSED)                     # a cell saying 未披露 holds no figure
