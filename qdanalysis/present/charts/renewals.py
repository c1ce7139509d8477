"""The renewals section's chart: the annual amount at each link of every renewed contract chain."""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure

from qdanalysis.fmt import signed_pct
from qdanalysis.present import style
from qdanalysis.present.charts import base


def renewals(chains: pd.DataFrame, summary: pd.DataFrame, *, source: str, demo: bool = False,
             year: int | None = None) -> Figure:
    """Annual amount at each link of every renewed contract chain, with compound growth.

    Args:
        chains: ``analysis.renewal_chains``; chains of one contract are left out.
        summary: ``analysis.renewal_summary`` of those chains (growth and vendor per chain).
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{base.prefix(year)}续签合同各期年度金额（万元）"
    sizes = chains.groupby("chain", sort=False).size() if len(chains) else pd.Series(dtype=int)
    renewed = [c for c, n in sizes.items() if n > 1]
    if not renewed:
        fig, ax = base.figure()
        return base.empty(fig, ax, title, "合同台账中没有记录续签关系的合同", source, demo)

    data = chains[chains["chain"].isin(renewed)]
    summary = summary.set_index("chain")
    ncols = min(3, len(renewed))
    nrows = math.ceil(len(renewed) / ncols)
    fig, header = base.figure(8.4 if ncols > 1 else 6.0, 1.4 + 3.4 * nrows)
    header.remove()
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[0.35] + [3.0] * nrows)
    header = fig.add_subplot(grid[0, :])  # holds the title and the legend, above the chains' titles
    header.set_axis_off()
    axes = [fig.add_subplot(grid[1 + i // ncols, i % ncols]) for i in range(nrows * ncols)]
    for ax, chain in zip(axes, renewed, strict=False):
        g = data[data["chain"] == chain].sort_values("step")
        texts = []
        for _, r in g.iterrows():
            if not base.missing(r["annual_cost"]):
                growth = "" if base.missing(r["growth"]) else f"\n{signed_pct(r['growth'], 1)}"
                texts.append(style.format_wan(r["annual_cost"]) + growth)
        colors = [base.SERIES_COLORS[0] if bool(c) else base.SERIES_COLORS[1] for c in g["competitive"]]
        style.bar_with_undisclosed(ax, [str(i) for i in range(len(g))], base.wan_values(g["annual_cost"]), colors,
                                   fmt=base.sequence_fmt(texts), width=0.6)
        # Tick labels set here: the style's automatic wrapping cuts two-line labels mid-word.
        ax.set_xticks(range(len(g)), labels=[_link_label(r) for _, r in g.iterrows()], fontsize=8.5)
        ax.tick_params(axis="y", labelsize=8.5)
        ax.set_ylabel(style.UNIT_WAN if ax.get_subplotspec().is_first_col() else "")
        if not ax.get_subplotspec().is_first_col():
            ax.tick_params(axis="y", labelleft=False)
        s = summary.loc[chain]
        if not base.missing(s["cagr"]):
            costed = g.dropna(subset=["annual_cost", "signed"])  # the links the growth is measured on
            first, last = costed["signed"].iloc[[0, -1]]
            growth = f"{first.year}—{last.year}年年均增长 {signed_pct(s['cagr'], 1)}"
        elif g["annual_cost"].isna().any():
            growth = f"年均增长无法计算：续签金额{base.U}"
        else:
            growth = f"年均增长无法计算：签订年份{base.U}"
        vendor = s["vendor"] if isinstance(s["vendor"], str) else f"供应商{base.U}"
        ax.set_title(f"{base.wrap(str(s['item']), 15)}\n{vendor}\n{growth}", loc="left", fontsize=9.5,
                     pad=6, linespacing=1.35)
    top = max(ax.get_ylim()[1] for ax in axes[: len(renewed)])
    for ax in axes[: len(renewed)]:
        ax.set_ylim(0, top * 1.1)  # every chain on one scale
    for ax in axes[len(renewed):]:
        ax.set_axis_off()
    handles = base.legend_patches([("竞争性采购", base.SERIES_COLORS[0]), ("续签或其他方式", base.SERIES_COLORS[1])],
                                  data["annual_cost"].isna().any())
    header.legend(handles=handles, loc="center left", ncol=len(handles), fontsize=8.5, frameon=False,
                  borderaxespad=0, handlelength=1.6)
    base.title(header, title)
    return base.done(fig, source, demo)


def _link_label(r: pd.Series) -> str:
    when = f"{r['signed'].year}年" if not base.missing(r["signed"]) else f"签订{base.U}"
    how = r["procurement"] if isinstance(r["procurement"], str) and r["procurement"] else f"方式{base.U}"
    return f"{when}\n{how}"
