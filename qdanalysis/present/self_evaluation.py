"""The 自评表 sheet: the year's score laid out as the MoF 《项目支出绩效自评表》 (财预〔2020〕10号 附件).

Everything comes from the year's analysis: the budget sheet's totals, the 项目信息 sheet, the
score sheet and the evaluator's record. A cell neither gives is left for the evaluation team and
says so (【待评价组填写：…】) or says 未披露; nothing is invented. This module imports no plotting
library.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from qdanalysis.analyse.scoring_table import NO_GRADE, STATUS_DOUBT, UNCONFIRMED, number_text
from qdanalysis.analyse.year import YearAnalysis
from qdanalysis.domain import DEMO_LABEL, NOT_ADJUSTED, UNDISCLOSED
from qdanalysis.fmt import placeholder
from qdanalysis.money import round_half_up
from qdanalysis.present.sections.overview import all_fiscal

SHEET_NAME = "绩效自评表"
#: Columns A..J: the label column, then the nine columns of the indicator rows.
COLUMNS = "ABCDEFGHIJ"
WIDTHS = (14, 10, 16, 18, 12, 13, 11, 11, 18, 18)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
PLACEHOLDER_FONT = Font(color="C00000")
MISSING_FONT = Font(color="808080")
MONEY_FORMAT = "#,##0.00"
#: The rows of 项目资金 after 年度资金总额: the sources of the money, which the data does not split.
FUND_SOURCES = ("其中：当年财政拨款", "上年结转资金", "其他资金")


def write_self_evaluation(wb, analysis: YearAnalysis) -> Worksheet | None:
    """Add the 自评表 sheet to ``wb`` (None when the year was not scored)."""
    result = analysis.score
    if result is None:
        return None
    data = analysis.data
    ws = wb.create_sheet(SHEET_NAME)
    for letter, width in zip(COLUMNS, WIDTHS):
        ws.column_dimensions[letter].width = width
    info = {f: t for f, t in zip(data.project["field"], data.project["text"]) if isinstance(t, str) and t.strip()}

    title = "项目支出绩效自评表" + (f"（{DEMO_LABEL}，非真实数据）" if analysis.demo else "")
    _merged(ws, 1, "A", "J", title, font=Font(bold=True, size=16), border=False)
    _merged(ws, 2, "A", "J", f"（{data.year}年度）", border=False)
    ws.row_dimensions[1].height = 28

    row = 3
    _label(ws, row, "A", "项目名称")
    _value(ws, row, "B", "J", info.get("项目名称") or placeholder("项目名称"))
    row += 1
    _label(ws, row, "A", "主管部门")
    _value(ws, row, "B", "E", info.get("主管部门") or placeholder("主管部门"))
    _label(ws, row, "F", "实施单位")
    _value(ws, row, "G", "J", info.get("实施单位") or placeholder("实施单位"))

    row += 1
    row = _funds(ws, row, analysis)
    row = _goals(ws, row, info)
    row = _indicators(ws, row, analysis)

    ws.print_options.horizontalCentered = True
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1  # one page, as the form is printed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_title_rows = "1:2"
    return ws


def _funds(ws: Worksheet, row: int, analysis: YearAnalysis) -> int:
    """项目资金（万元）: 年度资金总额 from the budget sheet; the sources of the money are not in the data."""
    t = analysis.data.totals
    first = row
    _merged(ws, row, "B", "C", "")
    for letter, head in zip("DEFGH", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率")):
        _label(ws, row, letter, head)
    _label(ws, row, "I", "得分", last="J")
    execution = _execution_row(analysis)
    adjusted = t.get("adjusted_budget")
    if adjusted is None and t.get("adjustment") == NOT_ADJUSTED:
        adjusted = t.get("budget")  # not adjusted: the year's budget is the initial one
    row += 1
    _merged(ws, row, "B", "C", "年度资金总额")
    _money(ws, row, "D", t.get("budget"))
    _money(ws, row, "E", adjusted)
    _money(ws, row, "F", t.get("executed"))
    _cell(ws, row, "G", execution["weight"] if execution is not None else "—", number_format="General")
    rate = t.get("execution_rate")
    _cell(ws, row, "H", UNDISCLOSED if rate is None else float(rate), number_format="0.00%",
          font=MISSING_FONT if rate is None else None)
    score = execution["score"] if execution is not None else None
    _merged(ws, row, "I", "J", "—" if score is None or pd.isna(score) else score)
    fiscal = all_fiscal(analysis.data.project)  # 项目信息「资金来源」：均为财政拨款
    for source in FUND_SOURCES:
        row += 1
        _merged(ws, row, "B", "C", source)
        for letter, value in zip("DEF", (t.get("budget"), adjusted, t.get("executed"))):
            if not fiscal:
                _cell(ws, row, letter, UNDISCLOSED, font=MISSING_FONT)
            elif source == FUND_SOURCES[0]:
                _money(ws, row, letter, value)
            else:
                _cell(ws, row, letter, "—")
        for letter in "GH":
            _cell(ws, row, letter, "—")
        _merged(ws, row, "I", "J", "—")
    ws.merge_cells(f"A{first}:A{row}")
    _label(ws, first, "A", "项目资金（万元）")
    row += 1
    ws.row_dimensions[row].height = 30
    sources = ("资金均为当年财政拨款（项目信息“资金来源”）" if fiscal
               else "预算执行表未按资金来源分列，当年财政拨款、上年结转资金和其他资金均未披露")
    _merged(ws, row, "A", "J", f"注：{sources}；全年预算数为调整后预算数，未调整时与年初预算数相同。", font=MISSING_FONT,
            border=False)
    return row + 1


def _goals(ws: Worksheet, row: int, info: dict[str, str]) -> int:
    """年度总体目标: 预期目标 from 项目信息's 总体目标; 实际完成情况 from the evaluation team."""
    _label(ws, row, "B", "预期目标", last="E")
    _label(ws, row, "F", "实际完成情况", last="J")
    _value(ws, row + 1, "B", "E", info.get("总体目标") or placeholder("年度总体目标（预期目标）"))
    _value(ws, row + 1, "F", "J", info.get("实际完成情况") or placeholder("年度总体目标实际完成情况"))
    ws.row_dimensions[row + 1].height = 90
    ws.merge_cells(f"A{row}:A{row + 1}")
    _label(ws, row, "A", "年度总体目标")
    return row + 2


def _indicators(ws: Worksheet, row: int, analysis: YearAnalysis) -> int:
    """绩效指标: one row per indicator other than 预算执行率 (it is scored in 项目资金), then 总分 and 等级."""
    result = analysis.score
    heads = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")
    first = row
    for letter, head in zip("BCDEFGH", heads):
        _label(ws, row, letter, head)
    _label(ws, row, "I", "偏差原因分析及改进措施", last="J")
    # the form's indicators: those of the year's 绩效指标 sheet; the evaluation's own (决策, 过程) stay on
    # the 评分 sheet, and the 总分 row says they are in it
    own = [] if analysis.scoring is None else [i for i in analysis.scoring.indicators
                                               if not i.indicator and i.measure != "execution_rate"]
    sheet = result.sheet[(result.sheet["name"] != "预算执行率") & ~result.sheet["name"].isin({i.name for i in own})]
    for r in sheet.to_dict("records"):
        row += 1
        pending = r["status"] in UNCONFIRMED
        for letter, key in zip("BCD", ("level1", "level2", "name")):
            _cell(ws, row, letter, r[key])
        _cell(ws, row, "E", r["target_text"] or "—")
        actual = r["actual_text"] or (r["status"] if pending else "—")
        _cell(ws, row, "F", actual, font=MISSING_FONT if pending else None)
        _cell(ws, row, "G", r["weight"], number_format="General")
        ws.row_dimensions[row].height = 24
        # an indicator not scored shows "—", never 0
        _cell(ws, row, "H", "—" if pending else r["score"], font=MISSING_FONT if pending else None)
        opinion = result.opinions.get(r["name"])
        full = not pending and r["score"] >= r["weight"]
        reason = opinion or ("" if full else placeholder("偏差原因分析及改进措施"))
        if r["status"] == STATUS_DOUBT and not opinion:  # the actual as stated, not scored: say why
            reason = f"{STATUS_DOUBT}，未计分：" + r["basis"].removeprefix(f"{STATUS_DOUBT}：").split("。")[0]
        _merged(ws, row, "I", "J", reason, font=PLACEHOLDER_FONT if reason.startswith("【") else None)
    ws.merge_cells(f"A{first}:A{row}")
    _label(ws, first, "A", "绩效指标")
    row += 1
    _label(ws, row, "A", "总分", last="F")
    _cell(ws, row, "G", result.max_total, number_format="General")
    # an unconfirmed total is never shown alone: 暂不定级, and the confirmed part beside it
    _cell(ws, row, "H", result.total if result.graded else NO_GRADE)
    note = "" if result.graded else f"已确认的指标（{number_text(result.evidenced_max)}分）得{number_text(result.total)}分"
    if own:
        note += ("；" if note else "") + (f"总分含{'、'.join(dict.fromkeys(i.level1 for i in own))}等评价指标"
                                          f"{number_text(sum(i.weight for i in own))}分，逐项见“评分”表")
    _merged(ws, row, "I", "J", note)
    row += 1
    _label(ws, row, "A", "等级", last="F")
    text = result.grade if result.graded else f"{NO_GRADE}（{_grade_note(result)}）"
    _merged(ws, row, "G", "J", text, font=Font(bold=True))
    ws.row_dimensions[row].height = 45 if not result.graded else 18
    return row + 1


def _grade_note(result) -> str:
    low, high = result.score_range
    estimate, _ = result.estimate
    middle = f"，按系统建议计约{number_text(estimate)}分（待评价人确认）" if result.proposals else ""
    return (f"未确认的指标分值合计{number_text(result.pending_weight)}分，超过满分的{number_text(result.threshold)}%"
            f"（本工具的定级阈值）；总分可能在{number_text(low)}—{number_text(high)}分之间{middle}")


def _execution_row(analysis: YearAnalysis) -> dict | None:
    sheet = analysis.score.sheet
    match = sheet[sheet["name"] == "预算执行率"]
    return None if match.empty else match.iloc[0].to_dict()


# --- cells ---------------------------------------------------------------------------------------


def _cell(ws: Worksheet, row: int, letter: str, value: Any, *, number_format: str | None = None,
          font: Font | None = None) -> None:
    cell = ws[f"{letter}{row}"]
    cell.value = value
    cell.border = BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, float):
        cell.number_format = "0.00"
    if font is not None:
        cell.font = font


def _money(ws: Worksheet, row: int, letter: str, value: Any) -> None:
    if value is None:
        _cell(ws, row, letter, UNDISCLOSED, font=MISSING_FONT)
        return
    _cell(ws, row, letter, float(round_half_up(Decimal(value) / 10000, 2)), number_format=MONEY_FORMAT)


def _label(ws: Worksheet, row: int, letter: str, text: str, *, last: str | None = None) -> None:
    if last:
        _merged(ws, row, letter, last, text, font=Font(bold=True), fill=LABEL_FILL)
    else:
        _cell(ws, row, letter, text, font=Font(bold=True))
        ws[f"{letter}{row}"].fill = LABEL_FILL


def _value(ws: Worksheet, row: int, first: str, last: str, text: str) -> None:
    font = PLACEHOLDER_FONT if text.startswith("【") else None
    _merged(ws, row, first, last, text, font=font, align="left")


def _merged(ws: Worksheet, row: int, first: str, last: str, value: Any, *, font: Font | None = None,
            fill: PatternFill | None = None, align: str = "center", border: bool = True) -> None:
    if first != last:
        ws.merge_cells(f"{first}{row}:{last}{row}")
    cell = ws[f"{first}{row}"]
    cell.value = value
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    if isinstance(value, float):
        cell.number_format = "0.00"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if border:
        for letter in COLUMNS[COLUMNS.index(first):COLUMNS.index(last) + 1]:
            ws[f"{letter}{row}"].border = BORDER
