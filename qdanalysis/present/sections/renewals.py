"""六、合同续签与成本增长: recurring contracts, their renewal chains, growth and years without competition."""

from __future__ import annotations

import pandas as pd

from qdanalysis.analyse.rules.procurement import RENEWAL_WORDS, STALE_YEARS
from qdanalysis.domain import RECURRING_CONTRACTS, UNDISCLOSED
from qdanalysis.fmt import date_text, pct, wan
from qdanalysis.present.blocks import Block, Chart, Table, TableLayout, drawing, para
from qdanalysis.present.sections.base import Context, Section

RENEWALS = TableLayout(
    "合同续签", "合同续签与成本",
    {"item": "项目", "vendor": "供应商", "links": "合同数", "renewals": "续签次数", "first_cost": "首份年度金额（万元）",
     "last_cost": "最近年度金额（万元）", "cagr": "年均增长", "reference": "最近竞争性采购/最早合同",
     "cost_basis": "年度金额依据", "years": "年度数", "spent_since": "期间推算支出（万元）"},
    money=("first_cost", "last_cost", "spent_since"), percent=("cagr",), integer=("links", "renewals", "years"),
    dates=("reference",), text={"vendor": lambda v: v if isinstance(v, str) else UNDISCLOSED})


def blocks(ctx: Context) -> list[Block]:
    d, an = ctx.data, ctx.analysis
    summary, rec = an.renewals, an.recurring
    unknown = rec.get("items_unknown") or []
    out: list[Block] = [para(
        RECURRING_CONTRACTS + "所对应的项目（刚性支出）列明预算{amount}，占预算总额{share}"
        "（{n}个项目；其中{u}个项目预算未披露，未计入）。{unknown}{ended}",
        amount=wan(rec["recurring"]), share=pct(rec["share"]), n=len(rec["items"]), u=len(rec["items_undisclosed"]),
        unknown=(f"另有{len(unknown)}个项目（{'、'.join(unknown)}）的合同未写明计费方式，无法判断是否持续付费，未计入。"
                 if unknown else ""),
        ended=(f"{'、'.join(rec['items_ended'])}的合同服务期已在本年内结束、未续签，本年支付为尾款，不计为刚性支出。"
               if rec.get("items_ended") else ""))]
    for _, r in summary[summary["renewals"] > 0].iterrows():
        earlier = ("" if pd.isna(r["first_cost"]) else
                   f"（{date_text(r['first_signed'], 'year')}合同金额{wan(r['first_cost'])}）")
        growth = f"续签金额未披露{earlier}，无法计算增长" if pd.isna(r["cagr"]) else f"年均增长{pct(r['cagr'])}"
        out.append(para("“{item}”自{first}起续签{n}次，{growth}。", item=r["item"],
                        first=date_text(r["first_signed"], "year"), n=int(r["renewals"]), growth=growth))
    for _, r in summary[summary["years"].fillna(0) >= STALE_YEARS].iterrows():
        vendor = r["vendor"] if isinstance(r["vendor"], str) else "供应商未披露"
        first, years = r["reference"].year, int(r["years"])
        word = _renewal_word(an.chains, r["chain"]) if not r["competition_on_record"] else None
        span = f"（{first}—{d.year}年，{'至少' + str(years) + '年' if word else f'共{years}个年度'}）"
        lead = (f"最近一次竞争性采购在{first}年{span}" if r["competition_on_record"]
                else f"自{first}年{word}合同起未见竞争性采购{span}" if word
                else f"自{first}年的合同起未见竞争性采购{span}")
        out.append(para("“{item}”（{vendor}）{lead}。", item=r["item"], vendor=vendor, lead=lead))
    out.append(Chart("renewals", drawing("renewals", "renewals", an.chains, summary, source=ctx.source("合同台账"), demo=ctx.demo,
                                                         year=d.year), "合同续签"))
    out.append(ctx.table(RENEWALS, summary))
    return out


def _renewal_word(chains: pd.DataFrame, chain: str) -> str | None:
    """The renewal word (续租, 续签…) of a chain's first contract: the arrangement is older than the record."""
    first = chains[chains["chain"] == chain].sort_values("step")["procurement"]
    word = first.iloc[0] if len(first) else None
    return next((w for w in RENEWAL_WORDS if isinstance(word, str) and w in word), None)


def sheets(ctx: Context) -> list[Table]:
    return [ctx.table(RENEWALS, ctx.analysis.renewals)]


SECTION = Section("renewals", "合同续签与成本增长",
                  "按续签关系（无续签关系时按同一项目、同一供应商）串联的合同，每次续签的金额变化，以及距最近一次竞争性采购的年数。",
                  blocks, sheets, dimension="过程")
