"""What the chart tests share: the report's source line, tiny synthetic frames, and checks on a drawn figure.

The 2020 charts are drawn from the shipped data; the multi-year, SMS and renewal charts
also from tiny synthetic frames, since the 2020 report discloses none of those figures.
"""

from __future__ import annotations

import io
import warnings
from decimal import Decimal

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from qdanalysis.analyse import renewals as A
from qdanalysis.present import style
from qdanalysis.present.charts import renewals as renewal_charts
from qdanalysis.read.schema import MONEY, PRICE

SOURCE = "《青岛市大数据局2020年度专项业务费绩效评价报告》"


def renewals_chart(contracts, **kwargs):
    """The renewals chart of a contracts table, with the chains and summary the year's analysis makes."""
    chains = A.renewal_chains(contracts)
    return renewal_charts.renewals(chains, A.renewal_summary(chains, 2020), **kwargs)


# --- synthetic frames --------------------------------------------------------------------------


def sms_raw() -> pd.DataFrame:
    """Three departments over four months; April's counts are not disclosed."""
    rows = []
    counts = {"市政府办公厅": [200_000, 210_000, 190_000, None], "市公安局": [150_000, 160_000, 170_000, None],
              "市卫健委": [80_000, 90_000, 100_000, None]}
    for dept, per_month in counts.items():
        for m, c in enumerate(per_month, start=1):
            rows.append({"month": pd.Timestamp(2021, m, 1), "department": dept, "count": c,
                         "unit_price": Decimal("0.065"), "amount": None})
    out = pd.DataFrame(rows)
    out["count"] = pd.array(out["count"], dtype="Int64")
    out["unit_price"] = pd.array(out["unit_price"], dtype=PRICE)
    out["amount"] = pd.array(out["amount"], dtype=MONEY)
    return out


SMS_TARGET = {"target_count": 6_000_000, "target_op": ">=", "unit_price": Decimal("0.0650"),
              "implied": Decimal("390000.00")}


def contracts_raw() -> pd.DataFrame:
    """Two renewal chains with growth, one chain whose last renewal is undisclosed, one single contract."""
    rows = [
        ("A-2016", None, "机房维护", "甲公司", "2016-03-01", "500000", "公开招标"),
        ("A-2018", "A-2016", "机房维护", "甲公司", "2018-03-01", "550000", "续签"),
        ("A-2020", "A-2018", "机房维护", "甲公司", "2020-03-01", "605000", "续签"),
        ("B-2017", None, "互联网出口线路", "乙公司", "2017-01-01", "800000", "竞争性磋商"),
        ("B-2020", "B-2017", "互联网出口线路", "乙公司", "2020-01-01", "960000", "续签"),
        ("C-2019", None, "安全设备维保", None, "2019-09-01", "728000", "公开招标"),
        ("C-2020", "C-2019", "安全设备维保", None, "2020-01-01", None, "续签"),
        ("D-2020", None, "数字证书", "丙公司", "2020-05-01", "408000", "公开招标"),
    ]
    out = pd.DataFrame(rows, columns=["contract_id", "renews", "item", "vendor", "signed", "annual_cost",
                                      "procurement"])
    out["signed"] = pd.to_datetime(out["signed"])
    out["annual_cost"] = pd.array([None if v is None else Decimal(v) for v in out["annual_cost"]], dtype=MONEY)
    return out


def trends_frame() -> pd.DataFrame:
    """Five years of executed spending; 2018 not disclosed."""
    out = pd.DataFrame({"year": [2016, 2017, 2018, 2019, 2020],
                        "executed": [Decimal("8000000"), Decimal("8500000"), None, Decimal("9300000"),
                                     Decimal("9246800")],
                        "lines": [70, 75, None, 90, 95]})
    out["executed"] = pd.array(out["executed"], dtype=MONEY)
    out["lines"] = pd.array(out["lines"], dtype="Int64")
    return out


# --- checks on a drawn figure -------------------------------------------------------------------


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def joined(fig: Figure) -> str:
    return "\n".join(texts(fig))


def titles(fig: Figure) -> str:
    parts = [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center")]
    return "\n".join(p for p in parts if p)


def bars(fig: Figure) -> list[Rectangle]:
    """Bar rectangles of every axes (legend handles and the 未披露 panel excluded)."""
    out = []
    for ax in fig.axes:
        for container in ax.containers:
            out += [b for b in container if isinstance(b, Rectangle) and b.get_visible()]
    return out


def undisclosed(fig: Figure) -> list[Rectangle]:
    return [b for b in bars(fig) if b.get_gid() == "undisclosed"]


def assert_no_zero_bars(fig: Figure) -> None:
    for b in bars(fig):
        assert b.get_width() > 0 and b.get_height() > 0, "a bar of zero size stands for a value"


def assert_hatched(fig: Figure, n: int) -> None:
    hatched = undisclosed(fig)
    assert len(hatched) == n
    assert all(b.get_hatch() == style.UNDISCLOSED_HATCH for b in hatched)
    assert_no_zero_bars(fig)


def assert_source(fig: Figure) -> None:
    assert any(t.get_text().startswith(style.SOURCE_PREFIX + SOURCE) for t in fig.texts)


def assert_undisclosed_panel(fig: Figure) -> None:
    panel = [t for t in fig.findobj(Text) if t.get_gid() == "undisclosed-message"]
    assert len(panel) == 1
    assert panel[0].get_text().startswith(style.UNDISCLOSED_LABEL)
    assert len(panel[0].get_text()) > len(style.UNDISCLOSED_LABEL) + 4  # says what is missing
    assert bars(fig) == []


def glyph_warnings(fig: Figure) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    messages = [str(w.message) for w in caught]
    return [m for m in messages if "missing from font" in m or "Glyph" in m]
