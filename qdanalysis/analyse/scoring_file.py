"""Reading and validating a scoring table (评分表) written in YAML, in ``params/`` or a shipped preset.

:func:`load_scoring` reads a file (with ``yaml.safe_load`` only) and :func:`validate_scoring` checks
what it holds and builds the :class:`~qdanalysis.analyse.scoring_table.ScoringTable`; every mistake
is a Chinese message naming the file, the line and the key, and all of them are reported at once.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from qdanalysis.analyse.scoring_table import (
    COUNT_MEASURES,
    DEFAULT_DENOMINATOR,
    DEFAULT_GRADE_THRESHOLD,
    DEFAULT_LEVELS,
    DEFAULT_TOTAL,
    DENOMINATORS,
    EXECUTION_EXPLAIN_BELOW,
    MEASURES,
    RATE_MEASURES,
    RULES,
    Band,
    Indicator,
    ScoringTable,
    number_text,
    to_number,
)
from qdanalysis.errors import ProblemCollector, ValidationError
from qdanalysis.read import parsing
from qdanalysis.yamlfile import KeyValueFile, key_path, line_of

TOP_KEYS: dict[str, str] = {
    "name": "评分表名称", "year": "适用年度", "source": "依据（出处）", "note": "提示（显示在报告中）",
    "total": "满分（省略时为100，各指标分值之和须等于它）", "indicators": "指标列表",
    "grade_threshold": "定级阈值（待补充佐证的指标分值占满分的百分比超过它时暂不定级；省略时为10）",
}
INDICATOR_KEYS: dict[str, str] = {
    "level1": "一级指标", "level2": "二级指标", "name": "指标名称（三级指标）", "weight": "分值",
    "rule": "评分规则", "measure": "由数据计算的实际值", "indicator": "绩效指标表中的三级指标名称",
    "evaluator": "评价人打分表中的键", "target": "指标值（目标）", "denominator": "执行率分母",
    "bands": "分档", "per_instance": "每处扣分", "explain_below": "低于此值需说明原因", "note": "说明",
    "levels": "定性分档的得分比例（如 {达成: 100%, 部分达成: 50%, 未达成: 0}）",
    "points": "评分要点（评价人核查的要点，一条一行）", "standard": "评分标准（如何扣分）",
}
BAND_KEYS = ("max", "min", "score")
#: The scoring table as a "key: value" file (its keys written twice found at every depth).
SCORING_FILE = KeyValueFile(
    "评分表文件", "键", tuple(TOP_KEYS), "name: 项目支出绩效自评",
    missing_hint="请检查路径，或用 load_preset('self-evaluation') 从预置评分表开始",
    required="至少要写 name、source、note 和 indicators", shape_hint="第一行例如 name: 项目支出绩效自评",
    allowed_note="（每个指标的键写在 indicators 下的各项中）", nested=True)


def load_scoring(path: str | Path) -> ScoringTable:
    """Read and validate a scoring table (YAML, read with ``yaml.safe_load`` only).

    Raises:
        ValidationError: the file is missing or not YAML, or any key or value is refused;
            every problem names the file, the line, the key, and a fix (in Chinese).
    """
    data, lines, problems = SCORING_FILE.read(path)
    try:
        table = validate_scoring(data, problems.file, lines=lines)
    except ValidationError as err:
        raise ValidationError(problems.problems + err.problems) from None
    problems.raise_if_any()
    return table


def validate_scoring(data: Any, source: str, *, lines: dict[tuple, int] | None = None) -> ScoringTable:
    """Check a parsed scoring table (what ``yaml.safe_load`` returned) and build it.

    Args:
        data: the parsed document.
        source: the file name shown in each problem.
        lines: line of each key path (``("indicators", 2, "rule")``), when known.

    Raises:
        ValidationError: listing every refused key at once.
    """
    lines = lines or {}
    collector = ProblemCollector(source)

    def add(path: tuple, message: str, hint: str) -> None:
        collector.add("", line_of(lines, path), key_path(path), message, hint)

    data = SCORING_FILE.check(data, collector, lines)
    texts: dict[str, str] = {}
    for key in ("name", "source", "note"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            add((key,), f"缺少{TOP_KEYS[key]}「{key}」或它不是文字",
                {"name": "例如 name: 项目支出绩效自评",
                 "source": "写明依据，例如 source: 财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）附件1",
                 "note": "例如 note: 权重须以本地财政部门现行规定为准"}[key])
            texts[key] = ""
        else:
            texts[key] = value.strip()
    year = data.get("year")
    if year is not None and not (isinstance(year, int) and not isinstance(year, bool) and 2000 <= year <= 2100):
        add(("year",), f"适用年度「{year}」不是年份", "写成整数，例如 year: 2020，或删除这一行")
        year = None
    total = DEFAULT_TOTAL
    if "total" in data:
        number = to_number(data["total"])
        if number is None or number <= 0:
            add(("total",), f"满分「{data['total']}」不是大于0的数字", "例如 total: 100，或删除这一行（默认100）")
        else:
            total = number
    threshold = DEFAULT_GRADE_THRESHOLD
    if "grade_threshold" in data:
        number = to_number(data["grade_threshold"])
        if number is None or not Decimal(0) <= number <= 100:
            add(("grade_threshold",), f"定级阈值「{data['grade_threshold']}」不是 0 到 100 之间的数字",
                "例如 grade_threshold: 10（待补充佐证的分值超过满分的10%时暂不定级），或删除这一行（默认10）")
        else:
            threshold = number
    raw = data.get("indicators")
    indicators: list[Indicator] = []
    if not isinstance(raw, list) or not raw:
        add(("indicators",), "缺少指标列表 indicators，或它不是列表", "每个指标以「- name: …」开头，见预置评分表")
    else:
        for n, item in enumerate(raw):
            ind = _indicator(item, n, add)
            if ind is not None:
                indicators.append(replace(ind, line=line_of(lines, ("indicators", n))))
    seen_names: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for ind in indicators:
        path = ("indicators", ind.position - 1)
        if ind.name in seen_names:
            add(path + ("name",), f"指标「{ind.name}」出现了两次（另一处是第{seen_names[ind.name]}个指标）",
                "每个指标只写一次；同名指标请加以区分")
        seen_names.setdefault(ind.name, ind.position)
        if ind.evaluator and ind.evaluator in seen_keys:
            add(path + ("evaluator",), f"评价人打分键「{ind.evaluator}」已用于第{seen_keys[ind.evaluator]}个指标",
                "每个指标用自己的键")
        if ind.evaluator:
            seen_keys.setdefault(ind.evaluator, ind.position)
    # Checked even when other keys are refused, so that one run reports every problem.
    weights = [(str(i.get("level1")), to_number(i.get("weight"))) for i in raw or [] if isinstance(i, dict)] \
        if isinstance(raw, list) else []
    if weights and len(weights) == len(raw) and all(w is not None and w >= 0 for _, w in weights):
        weight_sum = sum((w for _, w in weights), Decimal(0))
        if weight_sum != total:
            groups: dict[str, Decimal] = {}
            for level1, w in weights:
                groups[level1] = groups.get(level1, Decimal(0)) + w
            detail = "，".join(f"{k} {number_text(v)}" for k, v in groups.items())
            add(("total",) if "total" in data else ("indicators",),
                f"各指标分值之和为 {number_text(weight_sum)}，不等于满分 {number_text(total)}（{detail}）",
                "请调整分值使其合计等于满分；满分不是100时请写 total: 满分")
    collector.raise_if_any()
    return ScoringTable(name=texts["name"], source=texts["source"], note=texts["note"], total=total,
                        indicators=tuple(indicators), file=source, year=year, grade_threshold=threshold)


def _indicator(item: Any, n: int, add) -> Indicator | None:
    """One entry of ``indicators``; problems go to ``add`` and the result is None."""
    base = ("indicators", n)
    if not isinstance(item, dict):
        add(base, f"第{n + 1}个指标不是「键: 值」的形式", "每个指标写成 - name: 指标名称，下面缩进写 weight、rule 等")
        return None
    before = _Counter(add)
    add = before
    name = item.get("name")
    label = f"第{n + 1}个指标" if not isinstance(name, str) or not name.strip() else f"指标「{name.strip()}」"
    for key in item:
        if str(key) not in INDICATOR_KEYS:
            add(base + (str(key),), f"{label}有不认识的键「{key}」",
                f"指标可用的键只有：{'、'.join(INDICATOR_KEYS)}")
    strings: dict[str, str | None] = {}
    for key in ("level1", "level2", "name", "measure", "indicator", "evaluator", "denominator", "note"):
        value = item.get(key)
        if value is None:
            strings[key] = None
        elif isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            strings[key] = str(value).strip()
        else:
            add(base + (key,), f"{label}的{INDICATOR_KEYS[key]}「{key}」应为文字", "请填写文字，或删除这一行")
            strings[key] = None
    for key, hint in (("name", "例如 name: 整合视频监控数量"), ("level1", "例如 level1: 产出指标")):
        if key not in item:
            add(base, f"{label}缺少{INDICATOR_KEYS[key]}「{key}」", hint)
    weight = to_number(item.get("weight"))
    if "weight" not in item:
        add(base, f"{label}缺少分值「weight」", "例如 weight: 8")
    elif weight is None or weight < 0:
        add(base + ("weight",), f"{label}的分值「{item.get('weight')}」不是不小于0的数字", "例如 weight: 8")
        weight = None
    rule = item.get("rule")
    if "rule" not in item:
        add(base, f"{label}缺少评分规则「rule」", f"可用的规则：{_rules_text()}")
    elif rule not in RULES:
        add(base + ("rule",), f"{label}的评分规则「{rule}」不认识", f"可用的规则：{_rules_text()}")
        rule = None
    measure, indicator, evaluator = strings["measure"], strings["indicator"], strings["evaluator"]
    if measure is not None and measure not in MEASURES:
        add(base + ("measure",), f"{label}的计算指标「{measure}」不认识",
            "可用的有：" + "、".join(f"{k}（{v}）" for k, v in MEASURES.items()))
        measure = None
    target = None
    if "target" in item:
        try:
            target = parsing.parse_target(item["target"])
        except parsing.CellError as err:
            add(base + ("target",), f"{label}的{err.message}", err.hint)
    denominator = strings["denominator"] or DEFAULT_DENOMINATOR
    if strings["denominator"] is not None:
        if measure != "execution_rate":
            add(base + ("denominator",), f"{label}的 denominator 只适用于 measure: execution_rate", "请删除这一行")
        elif denominator not in DENOMINATORS:
            add(base + ("denominator",), f"{label}的执行率分母「{denominator}」不认识",
                "可用的有：" + "、".join(f"{k}（{v}）" for k, v in DENOMINATORS.items()))
    explain_below = None
    if "explain_below" in item:
        explain_below = to_number(item["explain_below"])
        if explain_below is None:
            add(base + ("explain_below",), f"{label}的 explain_below「{item['explain_below']}」不是数字",
                "例如 explain_below: 90（单位与实际值相同，执行率为百分数）")
    elif measure == "execution_rate":
        explain_below = EXECUTION_EXPLAIN_BELOW
    if rule is not None:
        _check_sources(rule, measure, indicator, evaluator, target, label, base, add)
    bands: tuple[Band, ...] = ()
    kind = "max"
    if rule == "bands":
        bands, kind = _bands(item.get("bands"), weight, label, base, add)
    elif "bands" in item:
        add(base + ("bands",), f"{label}的评分规则不是 bands，不应写分档", "请删除 bands，或改为 rule: bands")
    per_instance = None
    if rule == "deduction":
        per_instance = to_number(item.get("per_instance"))
        if per_instance is None or per_instance <= 0:
            add(base + ("per_instance",), f"{label}缺少每处扣分「per_instance」或它不是大于0的数字",
                "例如 per_instance: 1（每发现一处扣1分，扣完分值为止）")
    elif "per_instance" in item:
        add(base + ("per_instance",), f"{label}的评分规则不是 deduction，不应写每处扣分", "请删除 per_instance")
    levels = DEFAULT_LEVELS
    if "levels" in item:
        if rule != "levels":
            add(base + ("levels",), f"{label}的评分规则不是 levels，不应写定性分档", "请删除 levels，或改为 rule: levels")
        else:
            levels = _levels(item["levels"], label, base, add)
    points = _points(item.get("points"), label, base, add)
    standard = item.get("standard")
    if standard is not None and (not isinstance(standard, str) or not standard.strip()):
        add(base + ("standard",), f"{label}的评分标准「standard」应为文字", "例如 standard: 每发现一处问题扣1分，扣完为止")
        standard = None
    if before.count or weight is None or rule is None:
        return None
    return Indicator(
        level1=strings["level1"] or "", level2=strings["level2"] or "", name=strings["name"] or "",
        weight=weight, rule=rule, measure=measure, indicator=indicator, evaluator=evaluator, target=target,
        denominator=denominator, bands=bands, band_kind=kind, per_instance=per_instance,
        explain_below=explain_below, note=strings["note"] or "", levels=levels, position=n + 1,
        points=points, standard=(standard or "").strip(),
    )


def _points(raw: Any, label: str, base: tuple, add) -> tuple[str, ...]:
    """``points``: one 评分要点 as text, or a list of them."""
    if raw is None:
        return ()
    items = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else None
    if items is None or not items or not all(isinstance(p, str) and p.strip() for p in items):
        add(base + ("points",), f"{label}的评分要点「points」应为文字或文字列表", "例如 points: [项目是否符合部门职能, 是否与其他项目重复]")
        return ()
    return tuple(p.strip() for p in items)


def _levels(raw: Any, label: str, base: tuple, add) -> tuple[tuple[str, Decimal], ...]:
    """``levels: {达成: 100%, 部分达成: 50%, 未达成: 0}``: every band word, each a share from 0 to 100%."""
    words = [w for w, _ in DEFAULT_LEVELS]
    example = "例如 levels: {达成: 100%, 部分达成: 60%, 未达成: 0}"
    if not isinstance(raw, dict) or set(map(str, raw)) != set(words):
        add(base + ("levels",), f"{label}的定性分档应当恰好写明{'、'.join(words)}三档", example)
        return DEFAULT_LEVELS
    out = []
    for word in words:
        value = raw[word]
        number = to_number(value)
        if number is None or not Decimal(0) <= number <= 100:
            add(base + ("levels", word), f"{label}「{word}」的得分比例「{value}」不是 0 到 100% 之间的数", example)
            return DEFAULT_LEVELS
        out.append((word, number / 100))
    return tuple(out)


def _check_sources(rule, measure, indicator, evaluator, target, label, base, add) -> None:
    """Where the actual comes from must suit the rule."""
    if rule == "levels":
        if measure:
            add(base + ("measure",), f"{label}按定性分档计，不应写 measure", "请删除 measure")
        if not indicator and not evaluator:
            add(base, f"{label}按定性分档计，缺少绩效指标表中的指标「indicator」或评价人打分键「evaluator」",
                "例如 indicator: 运行维护制度健全性（评价记录表按三级指标名称填写 达成/部分达成/未达成）")
        return
    if rule == "manual":
        if not evaluator:
            add(base, f"{label}按评价人打分（manual），缺少评价人打分键「evaluator」",
                "例如 evaluator: 运行维护制度健全性；indicator 可另写，用于显示指标值")
        if measure:
            add(base + ("measure",), f"{label}按评价人打分，不应写 measure", "请删除 measure")
        return
    sources = [k for k, v in (("measure", measure), ("indicator", indicator), ("evaluator", evaluator)) if v]
    if len(sources) != 1:
        add(base, f"{label}的实际值来源应当恰好一个（measure、indicator 或 evaluator），现为"
                  f"{'、'.join(sources) or '没有'}", "只保留一个来源")
        return
    if rule == "deduction":
        if measure and measure not in COUNT_MEASURES:
            add(base + ("measure",), f"{label}按扣分计，measure「{measure}」不是计数",
                f"扣分的次数来自评价人（evaluator）或计数：{'、'.join(COUNT_MEASURES)}")
        if indicator:
            add(base + ("indicator",), f"{label}按扣分计，次数不能取自绩效指标表", "请改用 evaluator: 键")
        return
    if measure and measure not in RATE_MEASURES:
        add(base + ("measure",), f"{label}的 measure「{measure}」是计数，只能用于 deduction",
            f"比率和分档可用：{'、'.join(RATE_MEASURES)}")
    if indicator and target is not None:
        add(base + ("target",), f"{label}的指标值取自绩效指标表，评分表不应另写 target", "请删除 target")
    if measure in RATE_MEASURES and target is not None and target.value is not None \
            and target.unit not in ("%", ""):
        add(base + ("target",), f"{label}的指标值「{target.text}」应为百分数", "例如 target: 100%")
    if rule == "ratio":
        if target is None and (evaluator or measure == "adjustment_rate"):
            add(base, f"{label}按比率计，缺少指标值「target」", "例如 target: ≥95%")
        elif target is not None and target.value is None:
            add(base + ("target",), f"{label}按比率计，指标值「{target.text}」不是数值", "定性指标请用 rule: manual")


def _bands(raw: Any, weight: Decimal | None, label: str, base: tuple, add) -> tuple[tuple[Band, ...], str]:
    path = base + ("bands",)
    example = "例如：bands: [{max: 0, score: 3}, {max: 10, score: 2}]（上限，升序）或 [{min: 95, score: 5}, …]（下限，降序）"
    if not isinstance(raw, list) or not raw:
        add(path if raw is not None else base, f"{label}按分档计，缺少分档列表「bands」", example)
        return (), "max"
    bands: list[Band] = []
    kinds: set[str] = set()
    for j, band in enumerate(raw):
        where = path + (j,)
        step = f"{label}的第{j + 1}档"
        if not isinstance(band, dict):
            add(where, f"{step}应写成 {{max: 上限, score: 得分}} 或 {{min: 下限, score: 得分}}", example)
            continue
        unknown = [str(k) for k in band if str(k) not in BAND_KEYS]
        if unknown:
            add(where, f"{step}有不认识的键「{'、'.join(unknown)}」", "每档只写 max（上限）或 min（下限），以及 score（得分）")
            continue
        bound_keys = [k for k in ("max", "min") if k in band]
        if len(bound_keys) != 1:
            add(where, f"{step}应当恰好有 max 或 min 之一", example)
            continue
        kind = bound_keys[0]
        kinds.add(kind)
        bound = to_number(band[kind])
        score = to_number(band.get("score"))
        if bound is None:
            add(where + (kind,), f"{step}的界限「{band[kind]}」不是数字", "例如 10（百分数写 10 或 10%）")
            continue
        if score is None or score < 0:
            add(where + ("score",), f"{step}的得分「{band.get('score')}」不是不小于0的数字", "例如 score: 2")
            continue
        if weight is not None and score > weight:
            add(where + ("score",), f"{step}的得分 {number_text(score)} 超过分值 {number_text(weight)}", "每档得分不能超过该指标的分值")
            continue
        bands.append(Band(bound, score))
    if len(kinds) > 1:
        add(path, f"{label}的分档混用了上限（max）和下限（min）", "同一指标的各档只用一种界限")
        return (), "max"
    if len(bands) != len(raw):
        return (), "max"
    kind = kinds.pop()
    for j in range(1, len(bands)):
        a, b = bands[j - 1].bound, bands[j].bound
        if (kind == "max" and b <= a) or (kind == "min" and b >= a):
            order = "从小到大（上限 max 升序）" if kind == "max" else "从大到小（下限 min 降序）"
            add(path + (j, kind), f"{label}的分档界限没有按顺序排列：第{j}档 {number_text(a)}，第{j + 1}档 {number_text(b)}",
                f"请按{order}排列，且不能重复")
            return (), kind
    if weight is not None and max(b.score for b in bands) != weight:
        add(path, f"{label}的最高档得分 {number_text(max(b.score for b in bands))} 不等于分值 {number_text(weight)}",
            "最好的一档应得满分（分值）")
    return tuple(bands), kind


class _Counter:
    """Wraps an ``add`` callback and counts the problems it receives."""

    def __init__(self, add):
        self._add = add
        self.count = 0

    def __call__(self, *args) -> None:
        self.count += 1
        self._add(*args)


def _rules_text() -> str:
    return "、".join(f"{k}（{v}）" for k, v in RULES.items())
