"""The domain's vocabulary: the words the workbooks, the analyses and the outputs share, declared once.

A figure is stated by the data, :data:`DERIVED` (推算, computed by the workbook with its basis) or
:data:`UNDISCLOSED` (未披露, never 0). The words here are read from the spreadsheets and written in
the outputs, so every stage uses these constants rather than its own copy of the word.
"""

from __future__ import annotations

#: A figure the data does not give (in a cell, a table or a report): shown as such, never as 0.
UNDISCLOSED = "未披露"
#: A figure the workbook computes from others, always shown with its basis.
DERIVED = "推算"
#: The budget's state when no item was adjusted (its 调整后预算数 is then the 预算数).
NOT_ADJUSTED = "未调整"
#: The billing of a contract paid once, not per month or per unit.
ONE_OFF = "一次性"
#: The billings of a recurring (刚性) contract: paid per year, month or message, year after year.
RECURRING_BILLINGS = ("年", "月", "条")
#: The contracts that make spending recurring (刚性支出), in the words of every output.
RECURRING_CONTRACTS = "按年、按月或按条持续付费或续签的合同"
#: What 刚性支出占比 means, one wording for the annual report, the trends report and the overview
#: (computed by :func:`qdanalysis.analyse.renewals.recurring_share`).
RECURRING_DEFINITION = (f"刚性支出占比：{RECURRING_CONTRACTS}所对应项目的列明预算占预算总额的比例；一次性付费的不计，"
                        "服务期已在本年内结束且未续签的（本年支付为尾款）不计，预算未披露的项目未计入。")
#: An indicator's result that waits for its evidence: the score sheet's status, and what the Excel
#: export writes in a form's cell (read back as no value, not as a figure).
NOT_YET_EVIDENCED = "待补充佐证"
#: How an SMS amount is known: the settlement's own figure, or counted messages × the unit price (推算).
SETTLED, COUNTED = "结算金额", "条数×单价"
#: What became of an earlier evaluation's problem (整改状态), the last for one nobody has checked yet.
FIXED, PARTLY_FIXED, NOT_FIXED, TO_VERIFY = "已整改", "部分整改", "未整改", "待核实"
FOLLOWUP_STATUSES = (FIXED, PARTLY_FIXED, NOT_FIXED, TO_VERIFY)
#: What every chart, table, report and workbook made from illustrative data says.
DEMO_LABEL = "示例数据"

#: The four first-level indicators of 财预〔2020〕10号: the dimensions of the findings and of the draft.
DECISION, PROCESS, OUTPUT, OUTCOME = "决策", "过程", "产出", "效益"
DIMENSIONS = (DECISION, PROCESS, OUTPUT, OUTCOME)

#: How each basis of the category comparison across years is named: the amount, and the year's total of it.
BASIS_WORDS = {"executed": ("执行数", "执行总额"), "budget": ("预算数", "预算总额")}


def is_year_name(name: str) -> bool:
    """Whether a folder (or file stem) names a year: four ASCII digits, ``2020``.

    ``02020``, ``20a0`` and ``１２３４`` (full-width digits) are not years.
    """
    return len(name) == 4 and name.isascii() and name.isdigit()
