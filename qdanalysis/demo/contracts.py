"""The demo's contracts: multi-year standing contracts, yearly services renewed and re-tendered,
and the unit access lines, each drawn year by year from one :class:`random.Random`.

The draws happen in a fixed order (the caller's), so the same seed gives the same ledger.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from qdanalysis.demo.programme import (
    ACCESS_PRICE,
    ACCESS_PRICE_OLD,
    ACCESS_TENDER_YEAR,
    ACCESS_UNICOM_SHARE,
    ACCESS_UNITS,
    PROVINCIAL_LINE,
    PROVINCIAL_LINE_FROM,
    PROVINCIAL_LINE_OLD_YEARLY,
    SMS_PRICE,
    TELECOM_ACCESS_CUT,
    TELECOM_EXIT,
    TENDER_PRICE_OVERRIDES,
    TENDER_PRICE_RANGE,
    UNICOM_EXIT,
    fen,
    hundreds,
    uniform,
)


@dataclass
class DemoContract:
    """One contract of the demo ledger (money in 元)."""

    contract_id: str
    item_code: str
    vendor: str
    signed: dt.date
    start: dt.date
    end: dt.date | None
    billing: str
    amount: Decimal | None = None
    unit_price: Decimal | None = None
    quantity: int | None = None
    procurement: str = ""
    renews: str | None = None
    scope: str = ""
    note: str = ""
    #: When the service this contract continues first started (for the line inventory).
    since: dt.date | None = None

    def active(self, year: int) -> bool:
        return self.start <= dt.date(year, 12, 31) and (self.end is None or self.end >= dt.date(year, 1, 1))

    def months_in(self, year: int) -> int:
        first = max(self.start, dt.date(year, 1, 1))
        last = dt.date(year, 12, 31) if self.end is None else min(self.end, dt.date(year, 12, 31))
        return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)

    def annual_cost(self) -> Decimal | None:
        if self.billing == "年":
            return self.amount
        if self.billing == "月":
            return fen(self.unit_price * (self.quantity or 1) * 12)
        return None


def _contract_id(year: int, code: str, suffix: str = "") -> str:
    return f"SL-{year}-{code}{suffix}"


def _term_chain(rng: random.Random, code: str, suffix: str, first_start: dt.date, first_end: dt.date,
                term_years: int, until: int, **fields: Any) -> list[DemoContract]:
    """A contract and its 续签 renewals, each following the last for ``term_years`` years."""
    first = DemoContract(_contract_id(first_start.year, code, suffix), code, signed=_signed(rng, first_start),
                         start=first_start, end=first_end, since=first_start, **fields)
    chain = [first]
    while chain[-1].end is not None and chain[-1].end < dt.date(until, 12, 31):
        prev = chain[-1]
        start = prev.end + dt.timedelta(days=1)
        end = dt.date(start.year + term_years, start.month, start.day) - dt.timedelta(days=1)
        chain.append(replace(prev, contract_id=_contract_id(start.year, code, suffix), signed=_signed(rng, start),
                             start=start, end=end, procurement="续签", renews=prev.contract_id,
                             note=f"续签{prev.contract_id}，价格不变"))
    return chain


def _signed(rng: random.Random, start: dt.date) -> dt.date:
    """Signing date: calendar-year contracts are signed (often late) in their first weeks,
    others a few days before service starts."""
    if start.month == 1 and start.day == 1:
        return start + dt.timedelta(days=rng.randint(3, 45))
    return start - dt.timedelta(days=rng.randint(5, 25))


def standing_contracts(rng: random.Random, until: int) -> list[DemoContract]:
    """Multi-year contracts: the Internet exits, the provincial line and the SMS framework."""
    lt = _term_chain(
        rng, "2.1", "-LT", dt.date(2014, 1, 1), dt.date(2018, 12, 31), 3, until,
        vendor="中国联通", billing="月", unit_price=UNICOM_EXIT, procurement="单一来源",
        scope="全市机关Internet联通出口，带宽由100M升级为1000M并续租",
        note="《Internet接入线路续租》；联通出口1000M，7.6万元/月")
    dx = _term_chain(
        rng, "2.1", "-DX", dt.date(2017, 1, 1), dt.date(2019, 12, 31), 3, until,
        vendor="中国电信", billing="月", unit_price=TELECOM_EXIT, procurement="竞争性磋商",
        scope="全市机关Internet电信出口，1条1000M互联网出口", note="电信出口1000M，0.79万元/月")
    old_provincial = DemoContract(
        _contract_id(2016, "2.3"), "2.3", "中国电信", signed=_signed(rng, dt.date(2016, 6, 1)),
        start=dt.date(2016, 6, 1), end=PROVINCIAL_LINE_FROM - dt.timedelta(days=1), billing="年",
        amount=PROVINCIAL_LINE_OLD_YEARLY, procurement="单一来源",
        scope="部门接入省电子政务专网原线路租用", note="原线路，2019年5月31日到期后改由中国联通提供")
    provincial = _term_chain(
        rng, "2.3", "", PROVINCIAL_LINE_FROM, dt.date(2024, 12, 31), 5, until,
        vendor="中国联通", billing="月", unit_price=PROVINCIAL_LINE, procurement="竞争性磋商",
        scope="与省电子政务专网互联互通的非涉密网络线路租用", note="2019年6月起，1.17万元/月")
    sms = _term_chain(
        rng, "2.7", "", dt.date(2017, 1, 1), dt.date(2022, 12, 31), 6, until,
        vendor="示例通信服务有限公司", billing="条", unit_price=SMS_PRICE, procurement="竞争性磋商",
        scope="全市部门通过金宏短信平台发送短信，据实结算", note="2017年采购价格0.065元/条")
    return lt + dx + [old_provincial] + provincial + sms


class AnnualChain:
    """A yearly service contract: renewed (续签) with growth, re-tendered (公开招标) every few years."""

    def __init__(self, spec, first_year: int):
        self.code, self.vendors, base, self.growth, self.every, offset, self.scope = spec
        self.amount = fen(Decimal(base))
        self.first_year, self.tender_offset = first_year, offset
        self.last: DemoContract | None = None
        self.vendor = self.vendors[0]

    def next(self, rng: random.Random, year: int) -> DemoContract:
        since_first = year - self.first_year - self.tender_offset
        tender = since_first >= 0 and since_first % self.every == 0
        if self.last is None:
            procurement, renews, note = ("公开招标" if tender else "竞争性磋商"), None, ""
        elif tender:
            price_range = TENDER_PRICE_OVERRIDES.get(self.code, TENDER_PRICE_RANGE)
            self.amount = hundreds(self.amount * uniform(rng, price_range))
            self.vendor = rng.choice(self.vendors)
            procurement, renews, note = "公开招标", None, f"重新公开招标（上一合同{self.last.contract_id}）"
        else:
            growth = uniform(rng, self.growth)
            new = hundreds(self.amount * (1 + growth))
            note = (f"续签{self.last.contract_id}，金额较上年增长{(new / self.amount - 1) * 100:.1f}%"
                    if new != self.amount else f"续签{self.last.contract_id}，金额不变")
            self.amount = new
            procurement, renews = "续签", self.last.contract_id
        start = dt.date(year, 1, 1)
        self.last = DemoContract(_contract_id(year, self.code), self.code, self.vendor, _signed(rng, start), start,
                                 dt.date(year, 12, 31), "年", amount=self.amount, procurement=procurement,
                                 renews=renews, scope=self.scope, note=note)
        return self.last


class AccessChain:
    """Unit access lines (2.2): one contract a year per carrier at a per-line monthly price.

    Both carriers were tendered in 2019 at one price; from then on China Telecom lowers its
    price at each yearly renewal while China Unicom keeps it (the per-Mbps trend the report
    compares). The units are split between them by :data:`ACCESS_UNICOM_SHARE`.
    """

    CARRIERS = (("中国联通", "-LT"), ("中国电信", "-DX"))

    def __init__(self, first_year: int):
        self.units = None
        self.last: dict[str, DemoContract] = {}
        self.price: dict[str, Decimal] = {}
        self.first_year = first_year

    def next(self, rng: random.Random, year: int) -> list[DemoContract]:
        lo, hi = ACCESS_UNITS
        self.units = rng.randint(lo, hi) if self.units is None else min(hi, max(lo, self.units + rng.randint(-2, 3)))
        unicom = round(self.units * ACCESS_UNICOM_SHARE)
        tender = year == ACCESS_TENDER_YEAR
        start = dt.date(year, 1, 1)
        out = []
        for carrier, suffix in self.CARRIERS:
            last = self.last.get(carrier)
            old = self.price.get(carrier)
            if year < ACCESS_TENDER_YEAR:
                price = ACCESS_PRICE_OLD
            elif tender or old is None:
                price = ACCESS_PRICE
            elif carrier == "中国电信":
                price = fen(old * (1 - uniform(rng, TELECOM_ACCESS_CUT)))
            else:
                price = old
            if last is None or tender:
                procurement, renews = ("公开招标" if tender else "竞争性磋商"), None
                note = "主、副线路均价（每条每月）" + ("；2019年公开招标中标价" if tender else "")
            else:
                procurement, renews = "续签", last.contract_id
                note = (f"续签{last.contract_id}，单价不变" if price == old
                        else f"续签{last.contract_id}，单价由{old}元降至{price}元（每条每月）")
            self.price[carrier] = price
            quantity = unicom if carrier == "中国联通" else self.units - unicom
            contract = DemoContract(_contract_id(year, "2.2", suffix), "2.2", carrier, _signed(rng, start), start,
                                    dt.date(year, 12, 31), "月", unit_price=price, quantity=quantity,
                                    procurement=procurement, renews=renews,
                                    scope="市直外联网单位网络接入主、副线路租用", note=note)
            self.last[carrier] = contract
            out.append(contract)
        return out
