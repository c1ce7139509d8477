"""The SMS section's charts: messages per month against the target, and per department."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
from matplotlib.figure import Figure

from qdanalysis.present import style
from qdanalysis.present.charts import base


def _target_lines(target: dict) -> list[str]:
    if not target or base.missing(target.get("target_count")):
        return []
    op = base.OPERATORS.get(target.get("target_op"), "≥")
    lines = [f"绩效目标：保障短信{op}{base.wan_count(target['target_count'])}万条"]
    if not base.missing(target.get("unit_price")) and not base.missing(target.get("implied")):
        lines.append(f"按单价 {base.plain(target['unit_price'])} 元/条折算：{base.wan_count(target['target_count'])}万条 × "
                     f"{base.plain(target['unit_price'])}元 = {style.format_wan(target['implied'])} 万元")
    return lines


def sms_monthly(monthly: pd.DataFrame, target: dict, *, source: str, demo: bool = False,
                year: int | None = None) -> Figure:
    """Messages per month (万条) against the count target and the money the target implies.

    Args:
        monthly: ``analysis.sms_monthly``.
        target: ``analysis.sms_target_money``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{base.prefix(year)}金宏短信平台月度发送量（万条）"
    fig, ax = base.figure(8, 4.8)
    target_lines = _target_lines(target)
    if monthly.empty:
        return base.empty(fig, ax, title, "\n".join(["各月发送条数与结算金额均未披露", *target_lines]), source, demo)

    frame = monthly.sort_values("month", kind="stable")
    counts = [math.nan if base.missing(c) else int(c) / 10000 for c in frame["count"]]
    texts = [base.wan_count(c) for c in frame["count"] if not base.missing(c)]
    style.bar_with_undisclosed(ax, [base.month_label(m) for m in frame["month"]], counts, ["#0072B2"] * len(counts),
                               fmt=base.sequence_fmt(texts))
    ax.set_ylabel("万条")
    box = {"boxstyle": "round,pad=0.5", "facecolor": "#FFF7EC", "edgecolor": "#E69F00", "linewidth": 0.9}

    if base.all_missing(frame["count"]):
        ax.set_yticks([])
        ax.set_ylabel("")
        ax.set_ylim(0, ax.get_ylim()[1] * 8)
        note = ["各月发送条数未披露，无法核对目标完成情况", *target_lines]
        if target_lines[1:]:
            note.append("即：仅为“完成”数量目标，本项至少需支出上述金额")
        ax.text(0.5, 0.55, "\n".join(note), transform=ax.transAxes, ha="center", va="center", fontsize=10,
                linespacing=1.7, color=style.TEXT_COLOR, bbox=box, gid="target-note")
        base.title(ax, title, "斜线柱表示该月条数未披露（柱高无数值含义）")
        return base.done(fig, source, demo)

    known_counts = [int(c) for c in frame["count"] if not base.missing(c)]
    known_amounts = [Decimal(a) for a in frame["amount"] if not base.missing(a)]
    parts = [f"已披露 {len(known_counts)}/{len(frame)} 个月，合计 {base.wan_count(sum(known_counts))} 万条"]
    if known_amounts:
        parts[0] += f"、{style.format_wan(sum(known_amounts))} 万元"
    if target and not base.missing(target.get("target_count")):
        tc = target["target_count"]
        parts[0] += f"，为目标的 {base.pct(sum(known_counts) / tc)}"
        ax.axhline(tc / 12 / 10000, color=base.WARNING_COLOR, lw=1.1, ls="--", zorder=3)
        ax.annotate(f"月均目标 {base.wan_count(tc / 12)}万条", (1, tc / 12 / 10000), xycoords=("axes fraction", "data"),
                    xytext=(-2, 3), textcoords="offset points", ha="right", va="bottom", fontsize=8.5,
                    color=base.WARNING_COLOR)
        ax.set_ylim(0, max(ax.get_ylim()[1], tc / 12 / 10000 * 1.2))
    parts += target_lines
    base.title(ax, title, "\n".join(parts))
    return base.done(fig, source, demo)


def sms_departments(depts: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None,
                    top: int = 15) -> Figure:
    """Messages per department (万条), largest first; the tail is merged into 其他.

    Args:
        depts: ``analysis.sms_by_department``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
        top: departments shown one by one.
    """
    title = f"{base.prefix(year)}各部门金宏短信发送量（万条）"
    if depts.empty or base.all_missing(depts["count"]):
        fig, ax = base.figure()
        return base.empty(fig, ax, title, "数据未按部门列示短信发送条数", source, demo)
    frame = depts.sort_values("count", ascending=False, na_position="last", kind="stable")
    shown = frame.head(top)
    rest = frame.iloc[top:]
    rows = [(r["department"], r["count"], r["amount"]) for _, r in shown.iterrows()]
    if len(rest):
        counts = [int(c) for c in rest["count"] if not base.missing(c)]
        amounts = [Decimal(a) for a in rest["amount"] if not base.missing(a)]
        rows.append((f"其他{len(rest)}个部门", sum(counts) if counts else None, sum(amounts) if amounts else None))
    fig, ax = base.figure(8, base.bar_height(len(rows), 0.4, 1.9))
    labels = [base.wrap(str(d), 12) for d, _, _ in rows]
    values = [math.nan if base.missing(c) else int(c) / 10000 for _, c, _ in rows]
    texts = [base.wan_count(c) + ("" if base.missing(a) else f"（{style.format_wan(a)}万元）") for _, c, a in rows
             if not base.missing(c)]
    style.bar_with_undisclosed(ax, labels, values, ["#0072B2"] * len(rows), horizontal=True,
                               fmt=base.sequence_fmt(texts))
    ax.set_xlabel("万条")
    base.widen_for_labels(ax, 1.25)
    total = sum(int(c) for c in depts["count"] if not base.missing(c))
    base.title(ax, title, f"{len(depts)}个部门，已披露合计 {base.wan_count(total)} 万条")
    return base.done(fig, source, demo)
