"""The trends report's 预算安排参考 section: the budget official's page.

Re-tendering against renewing, next year's recurring baseline, 结余 by category and year, every item by year,
growth without new categories, the score proposals by year, and what the recurring (刚性) amount did across the
years against the annual finding F03. Every figure comes from
:func:`~qdanalysis.analyse.budget_outlook.budget_outlook`; this module words and arranges it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from qdanalysis.analyse import budget_outlook as bo
from qdanalysis.domain import UNDISCLOSED
from qdanalysis.fmt import format_number, format_wan, pct, signed_pct, signed_points, wan
from qdanalysis.money import sum_all, to_decimal
from qdanalysis.present.blocks import Block, bold, derived, para, table


def _head(text: str) -> Block:
    return para("{h}", h=bold(text))


def _year(v) -> str:
    return f"{int(v)}年"


def _range(low, high) -> str:
    return signed_pct(low) if signed_pct(low) == signed_pct(high) else f"{signed_pct(low)}至{signed_pct(high)}"


def retender_blocks(o: bo.BudgetOutlook, demo: bool) -> list[Block]:
    """Renewals against re-tenders: how prices moved at each."""
    s = o.change_summary.set_index("kind")
    renew, retender = s.loc[bo.RENEWAL], s.loc[bo.RETENDER]
    if renew["count"] + retender["count"] == 0:
        return [para("所列年度的合同台账中没有续签或重新采购的合同，无法比较两者的价格变化。", "note")]
    blocks: list[Block] = []
    parts = []
    for kind, r in ((bo.RENEWAL, renew), (bo.RETENDER, retender)):
        if r["known"]:
            parts.append(f"{kind}{int(r['count'])}次，上涨{int(r['rose'])}次、持平{int(r['flat'])}次、下降{int(r['fell'])}次，"
                         f"变化在{_range(r['low'], r['high'])}之间，中位数{signed_pct(r['median'])}")
        elif r["count"]:
            parts.append(f"{kind}{int(r['count'])}次，价格变化均{UNDISCLOSED}")
    rises = o.changes[(o.changes["kind"] == bo.RETENDER) & (o.changes["change"] > 0)]
    falls = o.changes[(o.changes["kind"] == bo.RETENDER) & (o.changes["change"] < 0)]
    text = "；".join(parts) + "。"
    if len(falls):
        low, high = pct(-falls["change"].max()), pct(-falls["change"].min())
        text += f"重新采购降价的{len(falls)}次降幅为" + (low if low == high else f"{low}至{high}")
        text += ("；上涨的为" + "、".join(f"{r.item_code}（{r.before}→{r.after}，{signed_pct(r.change)}）"
                                      for r in rises.itertuples()) if len(rises) else "") + "。"
    blocks.append(para("{text}", text=text))
    blocks.append(table(o.change_summary, {
        "kind": "方式", "count": "次数", "rose": "上涨", "flat": "持平", "fell": "下降", "low": "最低变化",
        "median": "中位数", "high": "最高变化"}, "续签与重新采购的价格变化",
        formats={"low": signed_pct, "median": signed_pct, "high": signed_pct, "count": str, "rose": str, "flat": str,
                 "fell": str}, demo=demo,
        note="注：续签为按合同台账“续签自”连接的下一份合同，重新采购为同一项目前一合同链结束后新采购的首份合同；"
             "按单价计费且前后单价单位相同的按单价比较（线路数量的变化不计为价格变化），其余按年度金额比较。"))
    return blocks


def baseline_blocks(o: bo.BudgetOutlook, demo: bool) -> list[Block]:
    """Next year's recurring cost as it stands (推算), and what renewing or re-tendering the expiring contracts
    would make of it."""
    b, year = o.baseline, o.baseline_year
    if b.empty or year is None:
        return [para("末年度没有可识别的刚性支出项目（按年、按月、按条计费或续签的合同），无法给出下一年度基线。", "note")]
    total = sum_all(b["baseline"])
    expiring = sum_all(b["expiring"])
    blocks: list[Block] = []
    s = o.change_summary.set_index("kind")
    m_r, m_t = s.loc[bo.RENEWAL, "median"], s.loc[bo.RETENDER, "median"]
    if total is None:
        blocks.append(para("{y}年刚性支出基线：{items}的金额{u}，合计无法推算（已知部分见下表，不作为全年合计）。", "warning", y=year,
                           items="、".join(b.loc[b["baseline"].isna(), "item_code"]), u=UNDISCLOSED))
    else:
        text = [f"按{year - 1}年末的合同状态，{year}年{len(b)}个刚性支出项目的基线约为"]
        blocks.append(para("{a}{v}；其中{e}的合同于{y0}年底到期，需续签或重新采购{how}。", a="".join(text),
                           v=derived(wan(total), f"推算：在约合同按年度金额，{year - 1}年底到期的按{year - 1}年金额持平，"
                                                 f"按条计费的按{year - 1}年执行数"),
                           e=wan(expiring), y0=year - 1,
                           how="" if expiring is None or not expiring or pd.isna(m_r) or pd.isna(m_t) else
                           f"：按历年续签价格变化的中位数（{signed_pct(m_r)}）续签，这部分约为"
                           f"{wan(to_decimal(expiring) * (1 + to_decimal(float(m_r))))}；按历年重新采购的中位数"
                           f"（{signed_pct(m_t)}）约为{wan(to_decimal(expiring) * (1 + to_decimal(float(m_t))))}（推算）"))
    shown = pd.concat([b, pd.DataFrame([{"item_code": "", "item": "合计", "executed": sum_all(b["executed"]),
                                         "baseline": total, "status": "", "basis": ""}])], ignore_index=True)
    blocks.append(table(shown, {"item_code": "编号", "item": "项目", "executed": f"{year - 1}年执行数（万元）",
                                "status": "合同状态", "baseline": f"{year}年基线（万元，推算）", "basis": "基线依据"},
                        f"{year}年刚性支出基线（推算）", money=["executed", "baseline"], demo=demo,
                        note=f"注：刚性支出项目按{year - 1}年度报告的口径（按年、按月、按条计费或续签的合同）；"
                             "基线为推算数，未含新增项目和一次性支出。"))
    return blocks


def balance_blocks(o: bo.BudgetOutlook, analyses: list, demo: bool) -> list[Block]:
    """结余 by category and year; the total's 结余率 by year."""
    bal = o.balances
    years = [c for c in bal.columns if c != "category"]
    rates = []
    for a in analyses:
        b, e = a.data.totals.get("budget"), a.data.totals.get("executed")
        rate = None if b is None or e is None or pd.isna(b) or pd.isna(e) or not b else \
            1 - float(to_decimal(e) / to_decimal(b))
        rates.append(f"{a.year}年{pct(rate)}")
    return [para("各年度结余（预算数减执行数）合计分别为{v}；结余率分别为{r}。", v="、".join(
                 f"{y}年{wan(bal.iloc[-1][y])}" for y in years), r="、".join(rates)),
            table(bal, {"category": "类别", **{y: f"{y}年" for y in years}}, "各类别历年结余（万元）",
                  formats={y: _item_cell for y in years}, demo=demo,
                  note=f"注：结余=预算数−执行数；任一数{UNDISCLOSED}的标为{UNDISCLOSED}；“—”为当年未设该类别；"
                       "合计取各年度工作簿列示的总数。")]


def _item_cell(value: Any) -> str:
    return "—" if isinstance(value, str) and value == bo.NOT_LISTED else format_wan(value)


def item_blocks(o: bo.BudgetOutlook, demo: bool) -> list[Block]:
    items = o.items
    years = [c for c in items.columns if c not in ("code", "item")]
    return [table(items, {"code": "编号", "item": "项目", **{y: f"{y}年" for y in years}}, "各项目历年执行数（万元）",
                  formats={y: _item_cell for y in years}, demo=demo,
                  note=f"注：“—”为当年预算未列该项目；{UNDISCLOSED}为当年列有该项目但未披露执行数；合计取各年度工作簿列示的执行数总额。")]


def like_blocks(o: bo.BudgetOutlook, demo: bool) -> list[Block]:
    like = o.like_for_like
    if like.empty:
        return []
    blocks: list[Block] = []
    for r in like.itertuples():
        if r.new or r.ended:
            parts = []
            if r.new:
                parts.append(f"当年新设的“{r.new}”（{wan(r.new_amount)}）")
            if r.ended:
                parts.append(f"{_than(r)}设有、当年未设的“{r.ended}”（{wan(r.ended_amount)}）")
            blocks.append(para("{y}年预算总额较{than}{c}；剔除{p}后，可比口径变化为{l}。", y=r.year, than=_than(r),
                               c=signed_pct(r.change),
                               p="和".join(parts), l=bold(signed_pct(r.like_change))))
    shown = like.assign(year=[f"{y}年（较{p}年）" if y != p + 1 else f"{y}年" for y, p in zip(like["year"], like["previous"])],
                        new=[f"{n}（{wan(v)}）" if n else "" for n, v in zip(like["new"], like["new_amount"])],
                        ended=[f"{n}（{p}年{wan(v)}）" if n else "" for n, v, p in
                               zip(like["ended"], like["ended_amount"], like["previous"])])
    columns = {"year": "年度", "change": "预算总额较上一比较年度", "new": "新设类别（当年预算）", "ended": "撤销类别",
               "like_change": "剔除新设、撤销类别后"}
    if not (shown["ended"] != "").any():  # no category ended in any year: an empty column is noise
        del columns["ended"]
        columns["like_change"] = "剔除新设类别后"
    blocks.append(table(shown, columns, "预算总额的可比口径变化",
                        formats={"change": signed_pct, "like_change": signed_pct,
                                 "new": lambda v: v or "—", "ended": lambda v: v or "—"}, demo=demo))
    return blocks


def score_blocks(scores: pd.DataFrame, analyses: list, demo: bool) -> list[Block]:
    if scores["total"].isna().all():
        return [para("所列年度均未评分（评分表与当年数据不符），不列示历年得分。", "note")]
    rows = []
    for a in analyses:
        s = a.score
        if s is None:
            rows.append({"year": a.year, "total": "未评分", "missing": "", "doubted": "", "grade": ""})
            continue
        low, high = s.grade_range
        rows.append({"year": a.year, "total": f"{format_number(s.total)}/{format_number(s.max_total)}",
                     "missing": f"{len(s.missing)}项（{format_number(s.missing_weight)}分）" if s.missing else "无",
                     "doubted": f"{len(s.doubted)}项（{format_number(s.doubted_weight)}分）" if s.doubted else "无",
                     "grade": s.grade if s.graded else f"{s.grade}（{low}至{high}）"})
    kinds = "、".join(dict.fromkeys(a.score.kind for a in analyses if a.score is not None and a.score.kind))
    return [table(pd.DataFrame(rows), {"year": "年度", "total": "已评得分/满分", "missing": "待补充佐证",
                                       "doubted": "待核实", "grade": "评价等级"}, "历年评分（系统建议）",
                  formats={"year": _year}, demo=demo,
                  note=f"注：各年按当年的{kinds or '评分表'}评分，产出、效益指标取自当年绩效指标表。得分和等级为工具按评分表和数据"
                       "提出的建议，待评价组确认；待补充佐证、待核实的指标暂不计分，等级在其确认前只能给出可能的区间。")]


def recurring_blocks(o: bo.BudgetOutlook, demo: bool) -> list[Block]:
    """The recurring amount across years, and whether it bears out the annual finding F03 (挤压新增项目)."""
    r = o.recurring
    t = r.table
    known = t.dropna(subset=["recurring"])
    if len(known) < 2:
        return [para("可比较刚性支出金额的年度不足两个。", "note")]
    first, last = known.iloc[0], known.iloc[-1]
    text = (f"刚性支出金额由{int(first['year'])}年的{wan(first['recurring'])}变为{int(last['year'])}年的"
            f"{wan(last['recurring'])}，年均{signed_pct(r.growth)}；同期预算总额年均{signed_pct(r.budget_growth)}。")
    like = o.like_for_like
    shifts = []
    for row in like[like["new"] != ""].itertuples():
        before = t[t["year"] == row.previous].iloc[0]
        now = t[t["year"] == row.year].iloc[0]
        if pd.isna(before["share"]) or pd.isna(now["share"]):
            continue
        shifts.append(f"{row.year}年占比较{_than(row)}{signed_points((now['share'] - before['share']) * 100)}，同年新设“{row.new}”"
                      f"（{wan(row.new_amount)}）使预算总额增加，而刚性支出金额较{_than(row)}{signed_pct(_rel(before['recurring'], now['recurring']))}")
    if shifts:
        text += "；".join(shifts) + "。"
    partial = [int(y) for y in t.loc[t["recurring"].isna(), "year"]]
    if partial:
        text += f"{_years(partial)}部分刚性支出项目的预算数未披露，刚性支出金额{UNDISCLOSED}，不参与比较。"
    flagged = _years(r.flagged)
    if r.flat:
        verdict = ("刚性支出金额基本持平，占比的下降来自新设类别使预算总额增加" if shifts else "刚性支出金额基本持平")
        verdict += (f"。{flagged}的年度分析提出的“刚性支出占比大，挤压新增项目”（规则F03）中“挤压新增项目”一语，多年度数据未予支持，"
                    "建议评价组复核该发现的表述（保留“占比大”的事实，删去或改写“挤压”的判断）。" if flagged else "。")
    elif r.growth is not None and r.budget_growth is not None and r.growth > r.budget_growth:
        verdict = ("刚性支出金额增速高于预算总额，" + (f"多年度数据支持{flagged}的年度分析提出的“挤压新增项目”判断（规则F03）。"
                                                 if flagged else "占比逐步提高。"))
    else:
        verdict = ("刚性支出金额的增速未超过预算总额，" + (f"{flagged}的年度分析“挤压新增项目”的判断（规则F03）多年度数据未予支持，"
                                                  "建议评价组复核。" if flagged else "未见挤占增量的情况。"))
    return [para("{t}{v}（系统建议，待评价组确认）", t=text, v=verdict),
            table(t, {"year": "年度", "recurring": "刚性支出（万元）", "budget": "预算数（万元）", "share": "占预算比例"},
                  "历年刚性支出", money=["recurring", "budget"], percent=["share"], formats={"year": _year}, demo=demo,
                  note="注：刚性支出为按年、按月、按条计费或续签合同所对应项目的预算数，口径与年度报告相同。")]


def _than(row) -> str:
    """上年, or the year compared where a year between was passed over (refused)."""
    return "上年" if row.year == row.previous + 1 else f"{row.previous}年"


def _years(years: list[int]) -> str:
    """``2018—2022年`` for consecutive years, else ``2018年、2020年``."""
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}—{years[-1]}年各年"
    return "、".join(f"{y}年" for y in years)


def _rel(before, after):
    return None if pd.isna(before) or pd.isna(after) or not before else float(to_decimal(after) / to_decimal(before) - 1)


def blocks(report: Any) -> list[Block]:
    """``report``: the :class:`~qdanalysis.present.trends_report.TrendsReport`."""
    if len(report.analyses) < 2:
        return [para("预算安排参考需要两个以上年度的数据，目前只有{n}个年度。", "note", n=len(report.analyses))]
    o = bo.budget_outlook(report.analyses, report.trends)
    demo = report.demo
    analyses = sorted(report.analyses, key=lambda a: a.year)
    out: list[Block] = [para("本节供预算审核使用。金额取自各年度工作簿；标明“推算”的为按所注依据计算的估计数；"
                             "未披露的数不按零计、不以部分之和代替全年数。")]
    out += [_head("（一）续签与重新采购的价格变化")] + retender_blocks(o, demo)
    out += [_head("（二）下一年度刚性支出基线")] + baseline_blocks(o, demo)
    out += [_head("（三）刚性支出的变化")] + recurring_blocks(o, demo)
    out += [_head("（四）可比口径的预算增长")] + like_blocks(o, demo)
    out += [_head("（五）分类结余")] + balance_blocks(o, analyses, demo)
    out += [_head("（六）历年评分")] + score_blocks(o.scores, analyses, demo)
    out += [_head("（七）各项目历年执行数")] + item_blocks(o, demo)
    return out
