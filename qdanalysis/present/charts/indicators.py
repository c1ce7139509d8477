"""The indicators section's chart: each performance indicator's achievement against 100%."""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from qdanalysis.analyse.indicator_status import STATUS_MET, STATUS_MISMATCH, STATUS_NOT_MET, STATUS_UNKNOWN
from qdanalysis.present import style
from qdanalysis.present.charts import base


def indicators(status: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Achievement of each performance indicator against 100%; 未完成 in the warning colour.

    Args:
        status: ``analysis.indicator_status``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{base.prefix(year)}绩效指标完成情况（完成率 = 实际值 ÷ 目标值）"
    fig, ax = base.figure(8.4, base.bar_height(len(status), 0.5, 2.2))
    if status.empty:
        return base.empty(fig, ax, title, "没有绩效指标数据", source, demo)

    labels, values, colors, texts = [], [], [], []
    for _, r in status.iterrows():
        labels.append(f"{base.wrap(str(r['name']), 12)}（{r['target_text']}）")
        ach = r["achievement"]
        values.append(math.nan if base.missing(ach) else float(ach) * 100)
        colors.append(base.WARNING_COLOR if r["status"] in (STATUS_NOT_MET, STATUS_MISMATCH) else base.MET_COLOR)
        if not base.missing(ach):
            actual = f"（{r['actual_text']}）" if isinstance(r["actual_text"], str) else ""
            texts.append(f"{base.pct(ach)}{actual}" + ("，未完成" if r["status"] == STATUS_NOT_MET else ""))
    style.bar_with_undisclosed(ax, labels, values, colors, horizontal=True, fmt=base.sequence_fmt(texts), width=0.58)
    ax.set_xlabel("完成率（%）")
    lo, hi = ax.get_xlim()
    ax.set_xlim(0, max(hi, 100) * 1.3)
    ax.axvline(100, color=base.REFERENCE_COLOR, lw=1.1, ls="--", zorder=3)
    ax.annotate("目标 100%", (100, 0), xycoords=("data", "axes fraction"), xytext=(3, 3), textcoords="offset points",
                fontsize=8.5, color=base.REFERENCE_COLOR, ha="left", va="bottom")
    ax.tick_params(axis="y", labelsize=9)
    for t in ax.texts:  # labels stay legible where they cross the 100% line
        t.set_bbox(base.LABEL_BOX)
        t.set_zorder(4)
    # A status known only in words (no ratio) is not 未披露: say which it is.
    unlabelled = [t for t in ax.texts if t.get_gid() == "undisclosed-label"]
    hatched = [p for p in ax.patches if p.get_gid() == "undisclosed"]
    for i, (t, (_, r)) in enumerate(zip(unlabelled, status[status["achievement"].isna()].iterrows(), strict=False)):
        if r["status"] != STATUS_UNKNOWN:
            if i < len(hatched):  # known, only not as a ratio: not drawn as 未披露
                hatched[i].set_visible(False)
                hatched[i].set_gid("known-without-ratio")
            said = r.get("comparison") if isinstance(r.get("comparison"), str) else None
            t.set_text(f"{r['status']}：{said}" if said and r["actual_text"] else f"{r['status']}（无量化实际值）")
            t.set_color(base.WARNING_COLOR if r["status"] in (STATUS_NOT_MET, STATUS_MISMATCH) else base.MET_COLOR)
    handles = base.legend_patches([("已完成", base.MET_COLOR), ("未完成", base.WARNING_COLOR)], status["achievement"].isna().any())
    handles.append(Line2D([], [], color=base.REFERENCE_COLOR, ls="--", lw=1.1, label="目标值"))
    ax.legend(handles=handles, loc="lower right", fontsize=8.5, frameon=True, framealpha=0.95, edgecolor="#DDDDDD")
    counts = status["status"].value_counts()
    mismatch = counts.get(STATUS_MISMATCH, 0)
    subtitle = (f"共{len(status)}项：已完成{counts.get(STATUS_MET, 0)}项，未完成{counts.get(STATUS_NOT_MET, 0)}项，"
                + (f"口径不一致{mismatch}项，" if mismatch else "")
                + f"实际值未披露{counts.get(STATUS_UNKNOWN, 0)}项；“≤”类指标只判断是否超过上限")
    base.title(ax, title, subtitle)
    return base.done(fig, source, demo)
