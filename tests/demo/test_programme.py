"""The made-up programme: a project's profile, and money rounded as budgets and prices are set."""

from __future__ import annotations

import random
from decimal import Decimal

from qdanalysis.demo import programme
from qdanalysis.demo.programme import DemoProfile


def test_money_to_the_fen_to_hundreds_and_in_wan():
    assert programme.fen(Decimal("1.005")) == Decimal("1.01") and programme.fen(Decimal("2")) == Decimal("2.00")
    assert programme.hundreds(Decimal("12345.67")) == Decimal("12300.00")
    assert programme.hundreds(1250) == Decimal("1300.00")  # half up, as budgets are rounded
    assert programme.wan(Decimal("9410000")) == "941.00" and programme.wan(Decimal("12345")) == "1.23"


def test_a_uniform_draw_is_a_six_place_decimal_within_its_bounds():
    rng = random.Random(1)
    draws = [programme.uniform(rng, (0.9, 1.0)) for _ in range(50)]
    assert all(Decimal("0.9") <= d <= Decimal("1.0") and -d.as_tuple().exponent <= 6 for d in draws)
    assert programme.uniform(random.Random(1), (0.9, 1.0)) == draws[0]  # the seed decides


def test_the_default_profile_has_every_category_and_every_item_in_its_year():
    p = programme.DEFAULT_PROFILE
    assert p.programme == "青岛市大数据局专项业务费" and p.size == 1 and p.vendor("示例通信服务有限公司") == "示例通信服务有限公司"
    assert p.items == programme.ITEMS
    codes_2020 = {code for code, _, _ in p.items_in(2020)}
    codes_2021 = {code for code, _, _ in p.items_in(2021)}
    assert codes_2021 - codes_2020 == set(programme.ITEM_FROM)  # 6.1 and 6.2 are set up in 2021


def test_a_profile_of_some_categories_and_its_own_vendors():
    p = DemoProfile(programme="某局信息化运维费", categories=("1", "2"), vendor_tag="甲")
    assert p.has("1.3") and p.has("2.1") and not p.has("5.1")
    assert {code.split(".")[0] for code, _, _ in p.items} == {"1", "2"}
    assert p.vendor("示例通信服务有限公司") == "示例甲通信服务有限公司" and p.vendor("中国联通") == "中国联通"


def test_every_item_name_is_known_by_its_code():
    assert all(programme.ITEM_NAME[code] == name for code, _, name in programme.ITEMS)
    assert programme.DEMO_TITLE_PREFIX == "【示例数据】" and programme.DEMO_SOURCE.startswith("示例数据（由 qdanalysis.demo")
