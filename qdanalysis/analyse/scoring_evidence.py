"""Where an indicator's actual comes from (佐证): the year's data, the evaluator's record and entries.

An actual comes from a built-in ``measure`` computed from the year's data, from the year's
indicators sheet (``indicator: <三级指标>``), from the evaluator's record (the optional 评价记录
sheet, a row per 三级指标: a verified actual or a score, and the evidence relied on), or from the
evaluator's dict (``evaluator: <key>``, the notebook's Python path). Each entry is checked against
the scoring table; a refused one names file, sheet, row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from qdanalysis.analyse.scoring_table import (
    DENOMINATORS,
    EVALUATOR_KEYS,
    EVALUATOR_SOURCE,
    EXECUTION_TARGET,
    MEASURES,
    RULES,
    Indicator,
    ScoringTable,
    number_text,
    percent_text,
    to_number,
)
from qdanalysis.domain import NOT_ADJUSTED
from qdanalysis.errors import Problem, ProblemCollector, ValidationError
from qdanalysis.fmt import placeholder, wan
from qdanalysis.money import to_decimal
from qdanalysis.read import parsing
from qdanalysis.read.schema import LEVEL_WORDS, RECORD


@dataclass(frozen=True)
class Entry:
    """One entry of the evaluator's dict: a number, or a level (达成…), with the evaluator's note."""

    value: Decimal | None
    note: str = ""
    level: str = ""


def evaluator_entries(table: ScoringTable, evaluator: dict) -> dict[str, Entry]:
    """Validate the evaluator's dict against the table's keys."""
    if not isinstance(evaluator, dict):
        raise ValidationError(Problem(EVALUATOR_SOURCE, "", None, "", "评价人打分应为「键: 分数」的字典",
                                      "例如 {'使用部门满意度': 8}"))
    keys = table.evaluator_keys()
    collector = ProblemCollector(EVALUATOR_SOURCE)
    entries: dict[str, Entry] = {}
    for key, raw in evaluator.items():
        ind = keys.get(key)
        if ind is None:
            collector.add("", None, str(key), f"评分表中没有评价人打分键「{key}」",
                          f"可用的键：{'、'.join(keys) or '（该评分表不需要评价人打分）'}")
            continue
        note = ""
        value = raw
        if isinstance(raw, dict):
            unknown = [str(k) for k in raw if k not in EVALUATOR_KEYS]
            if unknown:
                collector.add("", None, str(key), f"「{key}」有不认识的键「{'、'.join(unknown)}」",
                              "只能写 value（数值）和 note（说明）")
                continue
            value = raw.get("value")
            note = str(raw.get("note") or "").strip()
        if value is None:
            entries[key] = Entry(None, note)
            continue
        if ind.rule == "levels" and str(value).strip() in LEVEL_WORDS:
            entries[key] = Entry(None, note, str(value).strip())
            continue
        number = to_number(value)
        if number is None:
            collector.add("", None, str(key), f"「{key}」的值「{value}」不是数字", _entry_hint(ind))
            continue
        if ind.rule in ("manual", "levels") and not Decimal(0) <= number <= ind.weight:
            collector.add("", None, str(key), f"「{key}」的得分 {number_text(number)} 不在 0 到分值 {number_text(ind.weight)} 之间",
                          _entry_hint(ind))
            continue
        if ind.rule == "deduction" and (number < 0 or number != number.to_integral_value()):
            collector.add("", None, str(key), f"「{key}」的扣分次数「{value}」不是不小于0的整数", _entry_hint(ind))
            continue
        entries[key] = Entry(number, note)
    collector.raise_if_any()
    return entries


def _entry_hint(ind: Indicator) -> str:
    if ind.rule == "levels":
        return f"请填写 {'、'.join(LEVEL_WORDS)} 之一，或 0 到 {number_text(ind.weight)} 之间的得分"
    if ind.rule == "manual":
        return f"请填写 0 到 {number_text(ind.weight)} 之间的得分"
    if ind.rule == "deduction":
        return "请填写发现的问题处数（整数），例如 2"
    unit = ind.target.unit if ind.target else ""
    return f"请填写实际值（单位：{unit or '与指标值相同'}）"


def check_against_data(table: ScoringTable, data: Any) -> None:
    collector = ProblemCollector(table.file)
    year = getattr(data, "year", None)
    if table.year is not None and year is not None and int(year) != table.year:
        collector.add("", None, "year", f"评分表适用于{table.year}年，数据是{year}年",
                      f"请使用 {year} 年的评分表，或修改 year")
    sheet = data.indicators
    if len(sheet):
        names = [parsing.compact(n) for n in sheet["name"]]
        for ind in table.indicators:
            if not ind.indicator:
                continue
            count = names.count(parsing.compact(ind.indicator))
            if count == 0:
                collector.add("", ind.line, f"indicators[{ind.position}].indicator",
                              f"指标「{ind.name}」对应的三级指标「{ind.indicator}」不在{year or ''}年的绩效指标表"
                              f"{_sheet_named(sheet)}中",
                              _replaced_hint(table, ind, sheet))
            elif count > 1:
                collector.add("", ind.line, f"indicators[{ind.position}].indicator",
                              f"绩效指标表中有 {count} 个「{ind.indicator}」，无法确定取哪一个",
                              "请在绩效指标表中区分同名指标")
            elif ind.rule == "bands":
                row = sheet.iloc[names.index(parsing.compact(ind.indicator))]
                if pd.isna(row["target_value"]):
                    collector.add("", ind.line, f"indicators[{ind.position}].rule",
                                  f"指标「{ind.name}」的指标值「{row['target_text']}」是定性目标，不能按分档计分",
                                  "请改用 rule: manual（评价人打分）")
    collector.raise_if_any()


def _sheet_named(sheet: pd.DataFrame) -> str:
    """``（《2021年专项业务费》工作簿「绩效指标」表）`` from the sheet's first row, "" when not known."""
    first = sheet.iloc[0]
    if "src_file" not in sheet or pd.isna(first.get("src_file")):
        return ""
    return f"（《{Path(str(first['src_file'])).stem}》工作簿「{first['src_sheet']}」表）"


def _replaced_hint(table: ScoringTable, ind: Indicator, sheet: pd.DataFrame) -> str:
    """What to edit when the sheet no longer has an indicator the table scores: the sheet's indicators the table
    does not take (the likely replacement), the line of the file, and the two ways out (renamed or dropped)."""
    taken = {parsing.compact(i.indicator) for i in table.indicators if i.indicator}
    left = [str(n) for n in sheet["name"] if parsing.compact(n) not in taken]
    where = f" {table.file} 第{ind.line}行" if table.file and ind.line else "评分表中"
    newer = f"（如 indicator: {left[0]}）" if len(left) == 1 else ""
    return ((f"绩效指标表中有、评分表未对应的指标：{'、'.join(left)}；" if left
             else "绩效指标表中的指标评分表都已对应；")
            + f"请修改{where}这一项：指标已更换的，把 indicator: {ind.indicator} 改为绩效指标表中新的三级指标名称{newer}，"
            "并按新指标改写 name、points 和 standard（rule 按新指标值选用 ratio、bands 等）；"
            f"指标已取消的，删除这一项，并把它的{number_text(ind.weight)}分调给一级指标“{ind.level1}”的其他指标，"
            "使各组分值合计不变；改后运行 qdanalysis validate --year "
            + (f"{table.year}" if table.year else "<年>") + " 核对")


@dataclass
class Actual:
    """An indicator's target and actual, as found; ``value`` None when unknown."""

    target: parsing.Target | None
    value: Decimal | None = None
    text: str = ""
    met: bool | None = None
    missing_reason: str = ""
    how: str = ""
    from_evaluator: bool = False
    note: str = ""
    flags: list[str] = field(default_factory=list)
    level: str = ""
    evidence: str = ""
    sheet_row: Any = None


@dataclass(frozen=True)
class RecordEntry:
    """One row of the evaluator's record (评价记录), checked against its indicator."""

    name: str
    actual: str | None
    quantity: parsing.Quantity | None
    level: str
    score: Decimal | None
    evidence: str
    opinion: str
    evaluator: str
    date: str
    where: str

    @property
    def signature(self) -> str:
        return f"{self.evaluator}（{self.date}）" if self.evaluator and self.date else self.evaluator


def _unknown_indicator(table: ScoringTable, name: str, r: dict, row: int | None, unrecorded: list[Indicator],
                       sheet: pd.DataFrame | None) -> tuple[str, str]:
    """The message and hint for a record row naming no indicator of the table: the indicators it could mean (those
    no row records yet, of its 一级指标 when it gives one that has some), where the 绩效指标 sheet lists each, and
    to rename the row to one of them or delete it."""
    here = f"第{row}行" if row is not None else "这一行"
    message = f"评分表“{table.name}”中没有指标「{name}」（评分表的指标取自{table.file or table.source}），可能已改名或删除"
    level1 = parsing.compact(r.get("level1") or "")
    same = [i for i in unrecorded if level1 and parsing.compact(i.level1).removesuffix("指标") == level1.removesuffix("指标")]
    could = same or unrecorded
    if not could:
        return message, (f"评分表的每个指标在评价记录中都已有一行，{here}多余：请删除{here}"
                         "（其中已填写、需要保留的内容，请先并入对应指标的行）")
    listed = {parsing.compact(n): (f, s, w) for n, f, s, w in _sheet_rows(sheet)}

    def shown(i: Indicator) -> str:
        at = listed.get(parsing.compact(i.indicator or i.name))
        where = f"，《{Path(str(at[0])).name}》「{at[1]}」表第{at[2]}行" if at else ""
        return f"「{i.name}」（{i.level1}{where}）"

    if len(could) == 1:
        target = f"改为「{could[0].name}」"
        choice = f"评价记录中尚未记录的指标只有{shown(could[0])}"
    else:
        target = "改为其中一个指标的名称"
        choice = f"评价记录中尚未记录的{'同一一级指标的' if same else ''}指标有：{'、'.join(shown(i) for i in could)}"
    return message, (f"{choice}。若{here}记的是{'该' if len(could) == 1 else '其中一个'}指标，请把{here}「三级指标」{target}；"
                     f"若「{name}」已不再评分，请删除{here}")


def _sheet_rows(sheet: pd.DataFrame | None) -> list[tuple[str, str, str, int]]:
    """(name, file, sheet, row) of each 绩效指标 row that says where it was read."""
    if sheet is None or sheet.empty or "src_row" not in sheet:
        return []
    return [(str(r["name"]), str(r["src_file"]), str(r["src_sheet"]), int(r["src_row"]))
            for r in sheet.to_dict("records") if not pd.isna(r.get("src_row"))]


#: Placeholder for a record row that gives a score or an actual but no 佐证材料.
EVIDENCE_PLACEHOLDER = placeholder("佐证材料")
#: Phrases in the data that say a qualitative target is not (fully) met, with the band they suggest.
_PROPOSAL_PHRASES: tuple[tuple[str, str], ...] = (
    ("有待进一步完善", "部分达成"), ("有待完善", "部分达成"), ("不够完善", "部分达成"), ("不完善", "部分达成"),
    ("未制定", "未达成"), ("未建立", "未达成"), ("缺失", "未达成"), ("不健全", "未达成"),
)


def record_entries(table: ScoringTable, record: pd.DataFrame | None,
                   indicators: pd.DataFrame | None = None) -> dict[str, RecordEntry]:
    """The evaluator's record by indicator name, each row checked against the table.

    ``indicators`` is the year's 绩效指标 sheet: a row naming no indicator of the table (one pre-filled by
    ``new-year`` for an indicator the user has since renamed or dropped) is refused with the table's indicators
    that no row records yet, where the sheet lists them, and what to rename the row to or that it is to be deleted.

    Raises:
        ValidationError: every refused row, naming file, sheet, row and column.
    """
    if record is None or not len(record):
        return {}
    by_key: dict[str, Indicator] = {}
    for ind in table.indicators:
        by_key.setdefault(parsing.compact(ind.name), ind)
        if ind.indicator:
            by_key.setdefault(parsing.compact(ind.indicator), ind)
    recorded = {by_key[k].name for k in (parsing.compact(str(n)) for n in record["name"]) if k in by_key}
    unrecorded = [i for i in table.indicators if i.name not in recorded]
    problems: list[Problem] = []
    out: dict[str, RecordEntry] = {}
    for r in record.to_dict("records"):
        file, sheet = str(r.get("src_file") or RECORD.title), str(r.get("src_sheet") or RECORD.title)
        row = None if pd.isna(r.get("src_row")) else int(r["src_row"])

        def add(column: str, message: str, hint: str, file=file, sheet=sheet, row=row) -> None:
            problems.append(Problem(file, sheet, row, column, message, hint))

        name = str(r["name"])
        ind = by_key.get(parsing.compact(name))
        if ind is None:
            add("三级指标", *_unknown_indicator(table, name, r, row, unrecorded, indicators))
            continue
        if ind.name in out:
            add("三级指标", f"指标「{ind.name}」在评价记录中写了两次（另一处：{out[ind.name].where}）", "每个指标只写一行")
            continue
        w = number_text(ind.weight)
        score = None if r.get("score") is None or pd.isna(r.get("score")) else to_decimal(r["score"])
        actual = r.get("actual") if isinstance(r.get("actual"), str) and r.get("actual").strip() else None
        if ind.measure and (score is not None or actual is not None):
            add("得分" if score is not None else "实际完成值", f"「{ind.name}」由数据计算（{MEASURES[ind.measure]}），评价记录不填得分和实际完成值",
                "请清空这一格；佐证材料和评价意见可以填写")
            continue
        if score is not None and score > ind.weight:
            add("得分", f"「{ind.name}」的得分 {number_text(score)} 超过分值 {w}", f"请填写 0 到 {w} 之间的得分")
            continue
        quantity, level = None, ""
        if actual is not None:
            text = parsing.compact(actual)
            if ind.rule == "levels":
                if text in LEVEL_WORDS:
                    level = text
                else:
                    try:
                        is_number = parsing.parse_quantity(actual) is not None and parsing.parse_quantity(actual).value is not None
                    except parsing.CellError:
                        is_number = False
                    what = f"数字「{actual}」" if is_number else f"「{actual}」"
                    add("实际完成值", f"「{ind.name}」按定性分档计分，实际完成值应填 {'、'.join(LEVEL_WORDS)} 之一，而不是{what}",
                        f"请改填 {'、'.join(LEVEL_WORDS)}；要直接给分，请在「得分」列填写 0 到 {w} 之间的得分")
                    continue
            elif ind.rule == "manual":
                if score is None:
                    add("得分", f"「{ind.name}」按评价人打分计分，只填了实际完成值「{actual}」，没有填得分",
                        f"请在「得分」列填写 0 到 {w} 之间的得分")
                    continue
            else:
                try:
                    quantity = parsing.parse_quantity(actual)
                except parsing.CellError as err:
                    add("实际完成值", f"「{ind.name}」的实际完成值{err.message}", err.hint)
                    continue
                if quantity is None or quantity.value is None:
                    add("实际完成值", f"「{ind.name}」的实际完成值「{actual}」不是数值，无法按{RULES[ind.rule]}计分",
                        "请填写数值和单位，如 98.5%、1.5小时；或在「得分」列直接给分")
                    continue
                if ind.rule == "deduction" and quantity.value != quantity.value.to_integral_value():
                    add("实际完成值", f"「{ind.name}」按扣分计，问题处数「{actual}」不是整数", "请填写发现的问题处数，如 2")
                    continue
        date = r.get("date")
        out[ind.name] = RecordEntry(
            name=ind.name, actual=actual, quantity=quantity, level=level, score=score,
            evidence=_text(r.get("evidence")), opinion=_text(r.get("opinion")), evaluator=_text(r.get("evaluator")),
            date="" if date is None or pd.isna(date) else pd.Timestamp(date).strftime("%Y-%m-%d"),
            where=f"{sheet}表第{row}行" if row is not None else f"{sheet}表")
    if problems:
        raise ValidationError(problems)
    return out


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def apply_record(ind: Indicator, actual: Actual, entry: RecordEntry) -> None:
    """The evaluator's verified actual replaces what the data states; the record names the evidence."""
    actual.evidence = entry.evidence or EVIDENCE_PLACEHOLDER
    if entry.level:
        actual.level, actual.text = entry.level, entry.level
    elif entry.quantity is not None:
        if actual.text and actual.text != entry.actual:
            actual.how = f"评价组核实为 {entry.actual}（绩效指标表填报 {actual.text}）"
        actual.value, actual.text, actual.met = entry.quantity.value, entry.actual, None
        if ind.rule == "deduction":
            actual.text = f"{number_text(entry.quantity.value)} 处"
    elif entry.score is None:
        return  # only evidence or an opinion: the data's own actual stands
    actual.missing_reason = ""
    actual.from_evaluator = True


def proposal_of(ind: Indicator, actual: Actual) -> dict | None:
    """A band the data's own words suggest for a qualitative indicator (a quotation in the sheet's 备注 or 来源).

    Only a sentence that names what the indicator is about counts (运行维护 for 运行维护制度健全性): a
    sentence about another matter (未制定资金管理办法 is about 资金管理) is no evidence for it.
    """
    r = actual.sheet_row
    if r is None:
        return None
    subjects = _subjects(ind.indicator or ind.name)
    for column in ("note", "source"):
        text = r.get(column) if hasattr(r, "get") else None
        if not isinstance(text, str):
            continue
        for sentence in _clauses(text):
            if not any(subject in sentence for subject in subjects):
                continue
            for phrase, level in _PROPOSAL_PHRASES:
                if phrase in sentence:
                    return {"name": ind.name, "level": _mildest(sentence, level), "quote": sentence}
    return None


def _subjects(name: str) -> tuple[str, ...]:
    """What an indicator is about: its name without the quality it judges (运行维护制度健全性 → 运行维护制度, 运行维护)."""
    stem = re.sub(r"(健全性|规范性|合理性|有效性|科学性|明确性|充分性|合规性|性|率)$", "", parsing.compact(name))
    core = re.sub(r"(管理)?制度$", "", stem)
    return tuple(dict.fromkeys(s for s in (stem, core) if len(s) >= 2))


def _clauses(text: str) -> list[str]:
    """The sentences of a note, without the section markers that open them (三（二）2：…)."""
    out = []
    for part in text.replace("。", "；").split("；"):
        body = part.split("：", 1)[1] if "：" in part else part
        if body.strip():
            out.append(body.strip())
    return out


def _mildest(sentence: str, level: str) -> str:
    """When one sentence says both 未… and 有待完善, the band it supports is the milder one."""
    levels = [lv for phrase, lv in _PROPOSAL_PHRASES if phrase in sentence]
    return "部分达成" if "部分达成" in levels else level


def actual_of(ind: Indicator, data: Any, entries: dict[str, Entry]) -> Actual:
    if ind.measure == "execution_rate":
        return _execution_rate(ind, data.totals)
    if ind.measure == "adjustment_rate":
        return _adjustment_rate(ind, data.totals)
    if ind.measure == "data_warnings":
        count = len(data.warnings)
        return Actual(None, Decimal(count), f"{count} 处", how=f"数据核对发现 {count} 处数字相互不一致",
                       evidence="数据核对（各表相互印证的数字）")
    actual = _from_sheet(ind, data.indicators) if ind.indicator else Actual(ind.target)
    if ind.rule == "levels" and not actual.missing_reason and not actual.level:
        if actual.met is True:
            actual.level = "达成"
        elif actual.met is False:
            actual.level = "未达成"
        elif actual.text:
            actual.missing_reason = f"实际完成值「{actual.text}」无法判断是否达到指标值「{actual.target.text if actual.target else ''}」"
        else:
            actual.missing_reason = "未填写评价结论（达成、部分达成或未达成）"
    if ind.rule in ("levels", "manual") and ind.indicator and not ind.evaluator and actual.missing_reason:
        actual.missing_reason = f"{actual.missing_reason}，评价记录表未填写该指标"
    if ind.evaluator:
        entry = entries.get(ind.evaluator)
        what = {"manual": "打分", "deduction": "发现的问题处数", "levels": "评价结论"}.get(ind.rule, "实际值")
        if entry is None or (entry.value is None and not entry.level):
            if actual.missing_reason or ind.rule in ("manual", "deduction") or not ind.indicator:
                actual.missing_reason = f"评价记录表未填写该指标的{what}"
            return actual
        actual.from_evaluator, actual.note = True, entry.note
        actual.evidence = "评价人打分（notebook 参数）" + (f"：{entry.note}" if entry.note else "")
        actual.missing_reason = ""
        if entry.level:
            actual.level, actual.text = entry.level, entry.level
        elif ind.rule in ("manual", "levels"):
            actual.value = entry.value
            actual.text = actual.text or f"评价人打分 {number_text(entry.value)}"
            if ind.rule == "levels":
                actual.level = ""
        elif ind.rule == "deduction":
            actual.value = entry.value
            actual.text = f"{number_text(entry.value)} 处"
        else:
            unit = ind.target.unit if ind.target else ""
            actual.value, actual.text = entry.value, f"{number_text(entry.value)}{unit}"
            actual.met = None
    return actual


def _from_sheet(ind: Indicator, sheet: pd.DataFrame) -> Actual:
    if not len(sheet):
        return Actual(None, missing_reason="本年数据没有绩效指标表")
    match = sheet[[parsing.compact(n) == parsing.compact(ind.indicator) for n in sheet["name"]]]
    r = match.iloc[0]
    target = parsing.Target(r["target_op"], None if pd.isna(r["target_value"]) else to_decimal(r["target_value"]),
                      r["target_unit"] or "", r["target_text"])
    flags = []
    if "weight" in r.index and not pd.isna(r["weight"]) and to_decimal(r["weight"]) != ind.weight:
        flags.append(f"绩效指标表中「{ind.indicator}」的分值为 {number_text(to_decimal(r['weight']))}，"
                     f"评分表为 {number_text(ind.weight)}；本次按评分表计分")
    text = r["actual_text"] if isinstance(r["actual_text"], str) else ""
    source = r.get("source") if isinstance(r.get("source"), str) else ""
    # the sheet it was read from: a 绩效指标 sheet, or a unit's 自评表 read as the indicators
    sheet_name = r.get("src_sheet") if isinstance(r.get("src_sheet"), str) else "绩效指标"
    out = Actual(target, text=text, flags=flags, sheet_row=r,
                  evidence=f"{sheet_name}表“实际完成值”" + (f"（来源：{source}）" if source else "") if text else "")
    if not text:
        out.missing_reason = "绩效指标表未填实际完成值"
        return out
    out.value = None if pd.isna(r["actual_value"]) else to_decimal(r["actual_value"])
    out.met = None if pd.isna(r["met"]) else bool(r["met"])
    if ind.rule != "manual" and target.value is not None and out.value is None:
        out.missing_reason = f"实际完成值「{text}」不是数值，无法与指标值「{target.text}」比较"
    elif ind.rule == "ratio" and target.value is None and out.met is None:
        out.missing_reason = f"实际完成值「{text}」无法判断是否达到「{target.text}」"
    return out


def _execution_rate(ind: Indicator, totals: dict) -> Actual:
    target = ind.target or parsing.parse_target(EXECUTION_TARGET)
    executed = totals.get("executed")
    label = DENOMINATORS[ind.denominator]
    den = totals.get(ind.denominator)
    how_den, aside = label, ""
    if den is None and ind.denominator == "adjusted_budget" and totals.get("budget") is not None:
        aside = "（预算未调整，按预算数计算）" if totals.get("adjustment") == NOT_ADJUSTED else "（调整后预算数未披露，按预算数计算）"
        den, how_den = totals.get("budget"), DENOMINATORS["budget"]
    if executed is None or den is None:
        lacking = "执行数" if executed is None else label
        return Actual(target, missing_reason=f"预算表未填{lacking}，无法计算预算执行率")
    if Decimal(den) == 0:
        return Actual(target, missing_reason=f"{label}为 0，无法计算预算执行率")
    rate = Decimal(executed) / Decimal(den) * 100
    return Actual(target, rate, percent_text(rate), evidence=f"预算执行表：执行数、{how_den}",
                   how=f"预算执行率 = 执行数 {wan(executed)} ÷ {how_den} {wan(den)} = {percent_text(rate)}{aside}")


def _adjustment_rate(ind: Indicator, totals: dict) -> Actual:
    budget, adjusted = totals.get("budget"), totals.get("adjusted_budget")
    if adjusted is None and totals.get("adjustment") == NOT_ADJUSTED and budget is not None:
        adjusted = budget  # the sheet leaves 调整后预算数 blank: the budget was not adjusted
    if adjusted is None:
        return Actual(ind.target, missing_reason="预算表的调整后预算数未披露（是否调整未知），无法计算预算调整率")
    if budget is None or Decimal(budget) == 0:
        return Actual(ind.target, missing_reason="预算表未填预算数，无法计算预算调整率")
    rate = abs(Decimal(adjusted) - Decimal(budget)) / Decimal(budget) * 100
    return Actual(ind.target, rate, percent_text(rate), evidence="预算执行表：预算数、调整后预算数",
                   how=f"|调整后预算数 {wan(adjusted)} − 预算数 {wan(budget)}| ÷ 预算数 = {percent_text(rate)}")

