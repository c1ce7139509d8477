"""The registry of finding rules: each rule declared once, with its code, dimension and indicators."""

from __future__ import annotations

import pandas as pd
import pytest

import qdanalysis
from qdanalysis.analyse.engine import analyse
from qdanalysis.analyse.findings import EVERY_INDICATOR, MEDIUM, Finding, Rule
from qdanalysis.analyse.rules import registry
from qdanalysis.analyse.rules.budget import OUTPUT_LEVEL
from qdanalysis.analyse.rules.indicators import QUANTITY_LEVEL
from qdanalysis.domain import DIMENSIONS
from qdanalysis.present.sections.scoring import INDICATOR_CHECKS

#: The dimension of every rule's findings, as the report and the draft have grouped them.
DIMENSION_OF = {"F01": "决策", "F02": "决策", "F03": "效益", "F04": "决策", "F05": "决策", "F06": "过程", "F07": "产出",
                "F08": "决策", "F09": "产出", "F10": "过程", "F11": "决策", "F12": "决策", "F13": "决策", "F14": "决策",
                "F21": "过程", "F22": "过程", "F23": "过程", "F24": "过程",
                "T01": "过程", "T02": "过程", "T03": "决策", "T04": "决策", "T05": "过程", "T06": "过程", "T07": "产出"}


def test_every_rule_once_with_its_dimension():
    codes = [r.code for r in registry.RULES]
    assert len(codes) == len(set(codes))
    assert {r.code: r.dimension for r in registry.RULES} == DIMENSION_OF
    assert [c for c in codes if c.startswith("F")] == sorted(c for c in codes if c.startswith("F"))
    assert [r.code for r in registry.RULES if r.across_years] == ["T01", "T02", "T03", "T04", "T05", "T06", "T07"]


def test_the_indicators_each_rule_bears_on():
    bears = {r.code: r.indicators for r in registry.RULES if r.indicators}
    assert bears == {"F01": (OUTPUT_LEVEL,), "F02": (QUANTITY_LEVEL,), "F09": (EVERY_INDICATOR,),
                     "F10": (EVERY_INDICATOR,), "F11": (EVERY_INDICATOR,), "F12": (EVERY_INDICATOR,),
                     "F13": (EVERY_INDICATOR,), "T04": (EVERY_INDICATOR,), "T07": (EVERY_INDICATOR,)}


def test_the_report_asks_the_registry_which_rules_check_how_indicators_are_set():
    assert INDICATOR_CHECKS == ("F11", "F12", "F13", "T04")


def test_a_rule_refuses_an_unknown_dimension():
    with pytest.raises(ValueError, match="dimension"):
        Rule("X01", "其他", read=lambda e: None)


@pytest.fixture(scope="module")
def a2020():
    return analyse(qdanalysis.load_year(2020))


def test_each_finding_carries_its_rules_code_and_dimension(a2020):
    rule_of = {r.code: r for r in registry.RULES}
    found = a2020.findings + a2020.limitations
    assert found
    for f in found:
        assert f.rule_code in rule_of and f.category == rule_of[f.rule_code].dimension, f.code
        assert f.code == f.rule_code or f.code.startswith(f.rule_code + "-")


def _find_all(a):
    return registry.find_all(a.data, checks=a.checks, chains=a.chains, renewals=a.renewals, recurring=a.recurring,
                             prices=a.prices, indicator_status=a.indicator_status)


def test_the_registry_finds_what_the_year_holds(a2020):
    found = _find_all(a2020)
    assert [f.code for f in found if not f.limitation] == [f.code for f in a2020.findings]
    assert [f.code for f in found if f.limitation] == [f.code for f in a2020.limitations]


def test_adding_a_rule_is_its_function_and_one_line(monkeypatch, a2020):
    """A rule registered in RULES runs with the others, on the evidence of the year."""
    before = [f.code for f in _find_all(a2020)]

    def few_contracts(contracts: pd.DataFrame) -> Finding | None:
        return few.finding(title="合同较少", severity=MEDIUM, figures={"contracts": len(contracts)},
                           rows=pd.DataFrame(), summary=f"合同台账仅{len(contracts)}份。", recommendation="核实。")

    few = Rule("F99", DIMENSIONS[1], read=lambda e: few_contracts(e.data.contracts))
    monkeypatch.setattr(registry, "RULES", (*registry.RULES, few))
    found = _find_all(a2020)
    [new] = [f for f in found if f.rule_code == "F99"]
    assert (new.code, new.category, new.summary) == ("F99", "过程", "合同台账仅15份。")
    assert [f.code for f in found if f is not new] == before


def test_every_evaluation_indicator_a_rule_bears_on_is_in_the_evaluation_tables():
    """A name no table has would make the rule's proposals vanish without a word."""
    from qdanalysis.analyse.scoring_file import load_scoring
    from qdanalysis.analyse.scoring_presets import load_preset
    from qdanalysis.paths import PARAMS

    preset = {ind.name for ind in load_preset("third-party").indicators}
    year2020 = {ind.name for ind in load_scoring(PARAMS / "scoring-2020.yaml").indicators}
    named = {name for r in registry.RULES for name in r.bears_on}
    assert named and named <= preset & year2020, named - (preset & year2020)


def test_the_payment_ledgers_rules_bear_on_how_funds_are_used():
    bears = {r.code: r.bears_on for r in registry.RULES}
    assert bears["F21"] == ("资金使用合规性", "预算执行率")
    assert bears["F22"] == ("资金使用合规性", "制度执行有效性")
    assert bears["F23"] == ("资金使用合规性",)
    assert bears["F24"] == ("资金使用合规性", "政府采购及合同管理规范性")
