"""The shipped scoring tables (预置评分表, ``qdanalysis/analyse/presets/``) and their reweighting.

``self-evaluation`` splits the 自评表's first-level weights; ``third-party`` has the 决策/过程/产出/效益
tree, whose weights the evaluator sets with :func:`reweight`.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from qdanalysis.analyse.scoring_file import load_scoring
from qdanalysis.analyse.scoring_table import POINT, Band, Indicator, ScoringTable, number_text, to_number
from qdanalysis.errors import Problem, ProblemCollector, ValidationError

PRESETS_DIR = Path(__file__).with_name("presets")
#: Preset name -> file in ``qdanalysis/presets/``.
PRESETS: dict[str, str] = {"self-evaluation": "self-evaluation.yaml", "third-party": "third-party.yaml"}


def load_preset(name: str, weights: dict[str, float] | None = None) -> ScoringTable:
    """A shipped preset: ``self-evaluation`` (自评表 split) or ``third-party`` (决策/过程/产出/效益).

    Args:
        name: the preset's name.
        weights: new weight of each level 1 group (see :func:`reweight`); the third-party
            preset's weights are placeholders the evaluator is expected to set.

    Raises:
        ValidationError: an unknown preset, or weights refused by :func:`reweight`.
    """
    if name not in PRESETS:
        raise ValidationError(Problem("qdanalysis/presets", "", None, "name", f"没有名为「{name}」的预置评分表",
                                      f"可用的有：{'、'.join(PRESETS)}"))
    table = load_scoring(PRESETS_DIR / PRESETS[name])
    return table if weights is None else reweight(table, weights)


def reweight(table: ScoringTable, weights: dict[str, float]) -> ScoringTable:
    """The table with each level 1 group scaled to a new weight.

    Indicator weights (and band scores) within a group keep their proportions; rounding to
    0.01 is absorbed by the group's largest indicator so that each group adds up exactly.

    Args:
        table: the table to rescale (not changed).
        weights: level 1 name -> new weight; every group must be named, and the weights
            must add up to the table's total.

    Raises:
        ValidationError: an unknown or missing group, a weight that is not a number ≥ 0,
            or weights that do not add up to the total.
    """
    collector = ProblemCollector(table.file)
    current = table.group_weights()
    new: dict[str, Decimal] = {}
    for key, value in weights.items():
        where = f"weights.{key}"
        if key not in current:
            collector.add("", None, where, f"评分表中没有一级指标「{key}」", f"可用的有：{'、'.join(current)}")
            continue
        number = to_number(value)
        if number is None or number < 0:
            collector.add("", None, where, f"一级指标「{key}」的权重「{value}」不是不小于0的数字", "例如 20")
            continue
        if current[key] == 0 and number > 0:
            collector.add("", None, where, f"一级指标「{key}」原分值为0，无法按比例分配", "请直接修改评分表文件")
            continue
        new[key] = number
    for key in current:
        if key not in weights:
            collector.add("", None, f"weights.{key}", f"没有给出一级指标「{key}」的权重",
                          f"请给出全部一级指标的权重：{'、'.join(current)}")
    collector.raise_if_any()
    if sum(new.values(), Decimal(0)) != table.total:
        collector.add("", None, "weights", f"各一级指标权重之和为 {number_text(sum(new.values(), Decimal(0)))}，"
                      f"不等于满分 {number_text(table.total)}", "请调整权重使其合计等于满分")
        collector.raise_if_any()
    scaled: list[Indicator] = []
    for level1, old in current.items():
        members = [i for i in table.indicators if i.level1 == level1]
        factor = new[level1] / old if old else Decimal(0)
        out = [_scale(i, factor) for i in members]
        rest = new[level1] - sum((i.weight for i in out), Decimal(0))
        if rest and out:
            k = max(range(len(out)), key=lambda j: out[j].weight)
            out[k] = _scale(out[k], Decimal(1), extra=rest)
        scaled.extend(out)
    by_name = {i.name: i for i in scaled}
    return replace(table, indicators=tuple(by_name[i.name] for i in table.indicators))


def _scale(ind: Indicator, factor: Decimal, extra: Decimal = Decimal(0)) -> Indicator:
    weight = (ind.weight * factor).quantize(POINT, rounding=ROUND_HALF_UP) + extra
    ratio = weight / ind.weight if ind.weight else Decimal(0)
    bands = tuple(Band(b.bound, min(weight, (b.score * ratio).quantize(POINT, rounding=ROUND_HALF_UP)))
                  for b in ind.bands)
    if bands:
        best = max(range(len(bands)), key=lambda j: bands[j].score)
        bands = bands[:best] + (Band(bands[best].bound, weight),) + bands[best + 1:]
    return replace(ind, weight=weight, bands=bands)
