"""One year of demo data and how the years follow each other: the budget, the ledger, the line
inventory, the SMS settlements and the indicators, drawn in a fixed order from one seed.

:func:`build_demo` is pure (no I/O); money is in 元 as :class:`~decimal.Decimal`, and each
year's totals are the sums of its items, to the fen.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from qdanalysis.demo.contracts import AccessChain, AnnualChain, DemoContract, standing_contracts
from qdanalysis.demo.payments import ledger_rows
from qdanalysis.demo.programme import (
    ANNUAL_CHAINS,
    BUDGET_TOTAL_RANGE,
    DEDUCTION_RANGE,
    DEDUCTION_SHARE,
    DEFAULT_PROFILE,
    DEFAULT_PROGRAMME,
    DEFAULT_SEED,
    DEFAULT_YEARS,
    DEMO_SOURCE,
    FALLBACK_WEIGHT,
    FREE_CATEGORY_GROWTH,
    FREE_ITEM_WEIGHTS,
    INDICATOR_ROWS,
    ITEM_NAME,
    ITEMS,
    RULES_FROM_YEAR,
    SMS_ANNUAL_LIMITS,
    SMS_ANNUAL_RANGE,
    SMS_DEPARTMENTS,
    SMS_PRICE,
    SMS_SEASON,
    SMS_TARGET_2020,
    SMS_TARGET_STEP,
    WAN,
    DemoProfile,
    fen,
    hundreds,
    uniform,
    wan,
)


@dataclass
class DemoYear:
    """One year of demo data: rows of each table keyed by schema column keys."""

    year: int
    seed: int
    programme: str = DEFAULT_PROGRAMME
    budget: list[dict[str, Any]] = field(default_factory=list)
    contracts: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    sms: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)
    total_budget: Decimal = Decimal(0)
    total_executed: Decimal = Decimal(0)
    sms_count: int = 0


def build_demo(years: Iterable[int] = DEFAULT_YEARS, seed: int = DEFAULT_SEED,
               profile: DemoProfile = DEFAULT_PROFILE) -> dict[int, DemoYear]:
    """Generate the demo tables for ``years`` (pure: no I/O). Same seed and profile, same data."""
    years = sorted({int(y) for y in years})
    if not years:
        raise ValueError("years must name at least one year")
    rng = random.Random(seed)
    standing = standing_contracts(rng, years[-1])
    chains = [AnnualChain(spec, years[0]) for spec in ANNUAL_CHAINS if profile.has(spec[0])]
    access = AccessChain(years[0])
    video = Decimal(str(round(rng.uniform(1.6, 2.2), 1)))
    out: dict[int, DemoYear] = {}
    written_ids: set[str] = set()
    for year in years:
        data = DemoYear(year, seed, profile.programme)
        contracts = [c.next(rng, year) for c in chains] + access.next(rng, year)
        contracts += [c for c in standing if c.active(year)]
        contracts.sort(key=lambda c: (_code_key(c.item_code), c.start, c.contract_id))
        sms_rows = _sms(rng, year, sms_target(year))
        sms_total = sum((r["amount"] for r in sms_rows), Decimal(0))
        budget, executed, paid = _budget(rng, year, contracts, sms_total, profile, years[0])
        data.budget = _budget_rows(budget, executed, contracts, profile.items_in(year))
        data.contracts = [_contract_row(c, paid.get(c.contract_id), written_ids, profile) for c in contracts]
        written_ids |= {c.contract_id for c in contracts}
        data.lines = _line_rows(year, contracts)
        data.payments = ledger_rows(year, seed, data.budget, data.contracts)  # its own random stream
        data.sms = sms_rows
        data.total_budget = sum(budget.values(), Decimal(0))
        data.total_executed = sum(executed.values(), Decimal(0))
        data.sms_count = sum(r["count"] for r in sms_rows)
        video += Decimal(str(round(rng.uniform(1.2, 1.9), 1)))
        data.indicators = _indicator_rows(rng, year, data, video)
        out[year] = data
    return out


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(p) for p in code.split("."))


def sms_target(year: int) -> int:
    """The year's message-count target: 600万条 in 2020, 50万条 more each year."""
    return SMS_TARGET_2020 + SMS_TARGET_STEP * (year - 2020)


def _sms(rng: random.Random, year: int, target: int) -> list[dict[str, Any]]:
    """12 months × the departments, counts summing to about the target, amount = count × 0.065."""
    limits = (target * SMS_ANNUAL_LIMITS[0], target * SMS_ANNUAL_LIMITS[1])
    while True:
        annual = round(target * rng.uniform(*SMS_ANNUAL_RANGE))
        shares = [(d, w * rng.uniform(0.85, 1.15)) for d, w in SMS_DEPARTMENTS]
        norm = sum(w for _, w in shares) * sum(SMS_SEASON)
        rows = []
        for month, season in enumerate(SMS_SEASON, start=1):
            for dept, w in shares:
                count = round(annual * w * season / norm * rng.uniform(0.9, 1.1))
                rows.append({"month": f"{year}年{month}月", "department": dept, "count": count,
                             "unit_price": SMS_PRICE, "amount": fen(count * SMS_PRICE), "source": DEMO_SOURCE})
        total = sum(r["count"] for r in rows)
        if limits[0] <= total <= limits[1]:
            return rows


def _budget(rng: random.Random, year: int, contracts: list[DemoContract], sms_total: Decimal,
            profile: DemoProfile = DEFAULT_PROFILE, first_year: int | None = None) -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, Decimal]]:
    """Budget and executed per item code, and what each contract was paid in the year.

    A contracted item's budget is the annual cost of the contracts in force at year end; it
    is paid in full, for the months of service, or with a deduction. The SMS item pays the
    settlements. The rest of the year's total goes to the other items by weight.
    """
    first_year = year if first_year is None else first_year
    budget: dict[str, Decimal] = {}
    executed: dict[str, Decimal] = {}
    paid: dict[str, Decimal] = {}
    year_end = dt.date(year, 12, 31)
    for c in contracts:
        if c.billing == "条":
            continue
        if c.end is None or c.end >= year_end:
            budget[c.item_code] = budget.get(c.item_code, Decimal(0)) + c.annual_cost()
        months = c.months_in(year)
        if c.billing == "月":
            pay = fen(c.unit_price * (c.quantity or 1) * months)
        elif months < 12:
            pay = fen(c.amount * months / 12)
        elif rng.random() < DEDUCTION_SHARE:
            pay = fen((c.amount * uniform(rng, DEDUCTION_RANGE)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        else:
            pay = c.amount
        paid[c.contract_id] = pay
        executed[c.item_code] = executed.get(c.item_code, Decimal(0)) + pay
    budget["2.7"] = (sms_total / WAN).quantize(Decimal(1), rounding=ROUND_CEILING) * WAN \
        + Decimal(rng.randint(0, 3)) * WAN
    executed["2.7"] = sms_total
    for c in contracts:
        if c.billing == "条":
            paid[c.contract_id] = sms_total
    total_lo, total_hi = (int(x * profile.size / 100) for x in BUDGET_TOTAL_RANGE)
    total = Decimal(rng.randint(total_lo, total_hi) * 100)
    free = [code for code, _, _ in profile.items_in(year) if code not in budget]
    weights = {code: FREE_ITEM_WEIGHTS.get(code, FALLBACK_WEIGHT) * rng.uniform(0.8, 1.25)
               * (1 + FREE_CATEGORY_GROWTH.get(code.split(".")[0], 0)) ** (year - first_year) for code in free}
    left = total - sum(budget.values(), Decimal(0))
    if left < 20_000 * len(free):
        raise ValueError(f"{year}: contracted items exceed the drawn total budget; widen BUDGET_TOTAL_RANGE")
    wsum = sum(weights.values())
    for code in free[:-1]:
        budget[code] = hundreds(left * Decimal(weights[code] / wsum))
    budget[free[-1]] = left - sum((budget[c] for c in free[:-1]), Decimal(0))
    (lo, hi), free_execution = profile.execution
    fixed = sum(executed.values(), Decimal(0))
    for _ in range(100_000):
        spent = {code: fen(budget[code] * uniform(rng, free_execution)) for code in free}
        rate = (fixed + sum(spent.values(), Decimal(0))) / total
        if lo <= rate <= hi:
            break
    else:
        raise ValueError(f"{year}: no execution rate in [{lo}, {hi}] is reachable; widen the profile's ranges")
    executed.update(spent)
    return budget, executed, paid


def _budget_rows(budget: dict[str, Decimal], executed: dict[str, Decimal],
                 contracts: list[DemoContract], items: tuple[tuple[str, str, str], ...] = ITEMS) -> list[dict[str, Any]]:
    rows = []
    for code, category, name in items:
        ids = [c.contract_id for c in contracts if c.item_code == code]
        note = f"见合同台账{'、'.join(ids)}" if ids else ""
        if code == "2.7":
            note = "按0.065元/条据实结算（见短信结算）"
        rows.append({"code": code, "category": category, "item": name, "budget": budget[code],
                     "executed": executed[code], "note": note, "source": DEMO_SOURCE})
    return rows


def _contract_row(c: DemoContract, paid: Decimal | None, earlier_ids: set[str],
                  profile: DemoProfile = DEFAULT_PROFILE) -> dict[str, Any]:
    renews, note = c.renews, c.note
    if renews and renews not in earlier_ids:
        # The contract renewed lies before the generated years: say so rather than link nowhere.
        note, renews = f"{note}（原合同{renews}早于示例数据年份）", None
    return {
        "contract_id": c.contract_id, "item_code": c.item_code, "item": ITEM_NAME[c.item_code],
        "vendor": profile.vendor(c.vendor),
        "signed": c.signed, "start": c.start, "end": c.end, "amount": c.amount, "billing": c.billing,
        "unit_price": c.unit_price, "quantity": c.quantity, "procurement": c.procurement, "renews": renews,
        "paid_in_year": paid, "scope": c.scope, "note": note, "source": DEMO_SOURCE,
    }


def _line_rows(year: int, contracts: list[DemoContract]) -> list[dict[str, Any]]:
    """The line inventory at year end, derived from the line contracts in force."""
    year_end = dt.date(year, 12, 31)
    rows = []
    for c in contracts:
        if c.end is not None and c.end < year_end:
            continue
        base = {"unit": "全市机关", "carrier": c.vendor, "count": 1, "start": c.start, "item_code": c.item_code,
                "note": f"合同{c.contract_id}", "source": DEMO_SOURCE}
        if c.item_code == "2.1":
            rows.append({**base, "line_type": "互联网出口", "bandwidth_mbps": "1000M", "monthly_fee": c.unit_price,
                         "start": c.since or c.start})
        elif c.item_code == "2.3":
            fee = c.unit_price if c.billing == "月" else fen(c.amount / 12)
            rows.append({**base, "line_type": "省电子政务专网", "bandwidth_mbps": "100M", "monthly_fee": fee})
        elif c.item_code == "2.2":
            rows.append({**base, "unit": "市直单位（外联网单位）", "line_type": "单位接入（主、副线路）",
                         "bandwidth_mbps": "20M", "count": c.quantity, "monthly_fee": c.unit_price, "start": None})
    return rows


def _indicator_rows(rng: random.Random, year: int, data: DemoYear, video: Decimal) -> list[dict[str, Any]]:
    lines = sum(r["count"] for r in data.lines)
    shared = (video * Decimal(str(round(rng.uniform(0.85, 0.97), 2)))).quantize(Decimal("0.1"))
    actual = {
        "保障网络线路数量": f"{lines}条",
        "保障金宏短信数量": f"{data.sms_count}条",
        "整合视频监控数量": f"{video}万路",
        "系统正常运行率": f"{rng.uniform(97.5, 99.9):.1f}%",
        "验收合格率": "100%",
        "故障响应时间": f"{rng.uniform(0.8, 2.6):.1f}小时",
        "采购成本": f"{data.total_executed}元",
        "视频资源共享数量": f"{shared}万路",
        "运行维护制度健全性": "健全" if year >= RULES_FROM_YEAR else "不健全",
        "应急保障制度健全性": "健全",
        "使用部门满意度": f"{rng.uniform(82.0, 96.0):.1f}%",
    }
    rows = []
    for level1, level2, name, target, codes in INDICATOR_ROWS:
        if name == "保障金宏短信数量":
            target = f"≥{sms_target(year) // 10000}万条"
        target = target or f"≤{wan(data.total_budget)}万元"
        rows.append({"level1": level1, "level2": level2, "name": name, "target": target,
                     "actual": actual[name], "item_codes": codes, "source": DEMO_SOURCE})
    return rows

