"""The demo's payment ledger (支付明细): each item's 执行数 paid out over the year, to its contract's vendor.

Drawn from its own random stream per year, so that adding the ledger leaves every other demo table as it was.
Payments follow the quarters in most years; in :data:`RUSH_YEAR` most of the money goes out in December, and
in :data:`OTHER_PAYEE_YEAR` one contract's payments go to a payee that is not its vendor: the two things the
payment section and its rules (F21, F23) are there to show.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from qdanalysis.demo.programme import DEMO_SOURCE, fen

#: The year whose payments crowd into December (年底集中支付).
RUSH_YEAR = 2021
#: The year in which one contract is paid to another payee than its vendor.
OTHER_PAYEE_YEAR = 2022
#: That payee (an illustrative name, like every name of the demo).
OTHER_PAYEE = "青岛示例数据科技有限公司"
#: The payee of the items paid without a contract.
NO_CONTRACT_PAYEE = "青岛示例信息服务有限公司"
#: Share of an item's money paid in each quarter: an even year, and the rush year.
EVEN = (Decimal("0.25"), Decimal("0.25"), Decimal("0.25"), Decimal("0.25"))
RUSH = (Decimal("0.10"), Decimal("0.10"), Decimal("0.10"), Decimal("0.70"))


def ledger_rows(year: int, seed: int, budget: list[dict[str, Any]], contracts: list[dict[str, Any]]) -> list[dict]:
    """The year's payments: each item's 执行数 in four payments (one per quarter), summing to it to the fen."""
    rng = random.Random(f"{seed}-payments-{year}")
    shares = RUSH if year == RUSH_YEAR else EVEN
    rows: list[dict[str, Any]] = []
    other_done = False
    for item in budget:
        executed = item.get("executed")
        if not executed:
            continue
        own = [c for c in contracts if c["item_code"] == item["code"]]
        for contract, part in _split(executed, own):
            payee = contract["vendor"] if contract else NO_CONTRACT_PAYEE
            if contract and year == OTHER_PAYEE_YEAR and not other_done:
                payee, other_done = OTHER_PAYEE, True
            rows += _instalments(rng, year, item, contract, payee, part, shares)
    rows.sort(key=lambda r: (r["date"], r["item_code"]))
    for i, r in enumerate(rows, start=1):
        r["voucher"] = f"ZF{year}{i:05d}"
    return rows


def _split(executed: Decimal, own: list[dict[str, Any]]) -> list[tuple[dict[str, Any] | None, Decimal]]:
    """An item's money by contract, in proportion to what each is paid in the year (else its amount); the last
    contract takes the remainder, so the parts sum to the item's 执行数."""
    if not own:
        return [(None, executed)]
    weights = [c.get("paid_in_year") or c.get("amount") or Decimal(1) for c in own]
    whole = sum(weights, Decimal(0))
    parts, left = [], executed
    for i, (c, w) in enumerate(zip(own, weights)):
        part = left if i == len(own) - 1 else fen(executed * w / whole)
        left -= part
        parts.append((c, part))
    return parts


def _instalments(rng: random.Random, year: int, item: dict[str, Any], contract: dict[str, Any] | None, payee: str,
                 total: Decimal, shares: tuple[Decimal, ...]) -> list[dict[str, Any]]:
    rows, left = [], total
    for q, share in enumerate(shares, start=1):
        amount = left if q == 4 else fen(total * share)
        left -= amount
        late = q == 4 and shares is RUSH
        day = rng.randint(21, 30) if late else rng.randint(5, 25)
        if amount:
            rows.append({"date": dt.date(year, 12 if late else 3 * q, day), "item_code": item["code"],
                         "item": item["item"], "payee": payee,
                         "contract_id": contract["contract_id"] if contract else None, "amount": amount,
                         "memo": f"{item['item']}第{q}期", "source": DEMO_SOURCE})
    return rows
