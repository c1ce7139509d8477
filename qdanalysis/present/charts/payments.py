"""The payment section's chart: money paid per month, and the cumulative execution against 序时进度."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from qdanalysis.analyse.payments import SCHEDULE
from qdanalysis.present import style
from qdanalysis.present.charts import base

BAR_COLOR = "#9ECAE1"
LINE_COLOR = "#0072B2"
SCHEDULE_COLOR = base.REFERENCE_COLOR


def payment_progress(monthly, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Monthly payments (bars, 万元) and, where the budget total is stated, the cumulative execution rate (line)
    against the 序时进度 line through 25/50/75/100% at the quarters' ends.

    Args:
        monthly: ``analysis.payments.monthly``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    heading = f"{base.prefix(year)}支付进度：月度支付与累计执行率"
    fig, ax = base.figure(8, 4.6)
    months = list(monthly["month"])
    paid = [style.wan_value(v) for v in monthly["paid"]]
    ax.bar(months, paid, color=BAR_COLOR, width=0.65, label="当月支付（万元）", gid="monthly-paid")
    ax.set_xticks(months, [f"{m}月" for m in months])
    ax.set_ylabel("当月支付（万元）")
    rate_known = monthly["rate"].notna().all()
    subtitle = "累计执行率 = 累计支付 ÷ 预算（调整后预算，未调整的取年初预算）；虚线为序时进度"
    if rate_known:
        right = ax.twinx()
        right.plot(months, list(monthly["rate"]), color=LINE_COLOR, marker="o", linewidth=2, label="累计执行率",
                   gid="cumulative-rate")
        right.plot([0.5, *SCHEDULE], [0, *SCHEDULE.values()], color=SCHEDULE_COLOR, linestyle="--", linewidth=1.2,
                   label="序时进度", gid="schedule")
        for m, target in SCHEDULE.items():
            rate = float(monthly.loc[monthly["month"] == m, "rate"].iloc[0])
            right.annotate(base.pct(rate, 1), (m, rate), textcoords="offset points", xytext=(0, 8), ha="center",
                           fontsize=8.5, color=LINE_COLOR)
        right.grid(False)
        right.set_ylim(0, max(1.05, float(monthly["rate"].max()) * 1.1))
        right.yaxis.set_major_formatter(PercentFormatter(1.0))
        right.set_ylabel("累计执行率")
        handles = [h for a in (ax, right) for h in a.get_legend_handles_labels()[0]]
        ax.legend(handles, [h.get_label() for h in handles], loc="upper left", frameon=False, fontsize=9)
    else:
        subtitle = "预算合计未披露，无法计算累计执行率，只列月度支付"
        ax.legend(loc="upper left", frameon=False, fontsize=9)
    base.title(ax, heading, subtitle)
    return base.done(fig, source, demo)
