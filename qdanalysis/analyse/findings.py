"""Problems the data can show, each with its evidence and a recommendation (问题与建议).

Each rule is a pure function over the tables it needs and returns a :class:`Finding` (or a
list of them) only when the data supports it: a rule that finds no evidence returns
``None`` or ``[]``. Missing data becomes a finding only where the gap is the problem itself
(indicators with no reported result, planned items with no payment record).

The rules follow the problems of the seed report's section 三 and the advice of 四. Rules
that rest on an analysis (renewal chains, recurring share, prices, indicator status) take its
result as an argument: :func:`qdanalysis.analyse.year.analyse` computes each analysis once.
Money in ``figures`` is in 元 as :class:`~decimal.Decimal`; ratios are floats; texts show
万元 and percentages with two decimals, rounded half up.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

import pandas as pd

from qdanalysis.analyse import analyses as analysis
from qdanalysis.analyse.checks import STATUS_DIFF
from qdanalysis.fmt import count_text, date_text, format_number, pct, times, wan
from qdanalysis.money import FEN, is_missing, safe_ratio, sum_known, to_decimal
from qdanalysis.read.inputs import BY_NAME
from qdanalysis.read.parsing import parse_codes
from qdanalysis.read.year import YearData

# --- vocabulary ----------------------------------------------------------------------------

HIGH, MEDIUM, LOW = "高", "中", "低"
#: Severities, most serious first (the order of :func:`find_all`).
SEVERITIES = (HIGH, MEDIUM, LOW)
#: Categories of the seed report's section 三.
CATEGORIES = ("决策", "过程", "产出", "效益")

#: The indicator level whose item codes count as covering a budget item.
OUTPUT_LEVEL = "产出指标"
#: The level-2 name of quantity indicators.
QUANTITY_LEVEL = "数量"
#: Billing units that make cost grow with every unit delivered.
PER_UNIT_BILLING = ("条",)
#: Procurement words that mark a renewal rather than a new procurement.
RENEWAL_WORDS = ("续签", "续租", "续约", "续订")

#: Uncovered share of the budget at or above which the coverage finding is 高.
UNCOVERED_HIGH = 0.30
#: Uncovered items named in the summary.
LARGEST_SHOWN = 3
#: Recurring (刚性) share of the budget from which it is reported, and from which it is 高.
RECURRING_THRESHOLD = 0.30
RECURRING_HIGH = 0.50
#: Bigram Jaccard similarity of two scopes above which they overlap even without a shared phrase.
SIMILARITY_THRESHOLD = 0.40
#: Shortest service phrase (characters) that counts as shared.
MIN_PHRASE_CHARS = 3
#: Budget years under one competitive procurement (both ends counted: 2017—2020 is 4) from which a
#: chain is stale, and from which it is 高.
STALE_YEARS = 4
LONG_YEARS = 7
#: Price ratio of the same service from which it is reported, and from which it is 高.
DISPARITY_RATIO = 2.0
DISPARITY_HIGH = 5.0
#: Relative disagreement of a cross-check from which it is 中 (else 低).
CONTRADICTION_MEDIUM = 0.10
#: Achievement below which an unmet target is 高 (else 中).
NOT_MET_HIGH = 0.60
#: Share of indicators without a reported result from which the evidence finding is 中.
EVIDENCE_MEDIUM = 0.50

FINDING_COLUMNS = ["序号", "编号", "问题", "严重程度", "类别", "依据", "建议"]
TABLE_COLUMN = "table"
_SRC = ("src_file", "src_sheet", "src_row")


@dataclass(eq=False)
class Finding:
    """One problem the data shows.

    Attributes:
        code: stable rule code, ``F01``…; ``F05-2`` when a rule finds several.
        title: the problem in a few Chinese words.
        severity: 高, 中 or 低.
        category: 决策, 过程, 产出 or 效益 (as in the seed report's section 三).
        figures: the evidence by name: money in 元 (Decimal, None when undisclosed),
            ratios as floats, counts as ints.
        rows: the input rows behind it; ``table`` names the table and ``src_file``,
            ``src_sheet``, ``src_row`` are kept where the input has them.
        summary: one Chinese sentence with the figures.
        recommendation: what to do, in Chinese.
        limitation: what the data lacks rather than what the bureau did: it belongs to the
            report's 其他需要说明的问题 (data limitations), not to its problems.
    """

    code: str
    title: str
    severity: str
    category: str
    figures: dict
    rows: pd.DataFrame
    summary: str
    recommendation: str
    limitation: bool = False

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        if self.category not in CATEGORIES:
            raise ValueError(f"category must be one of {CATEGORIES}, not {self.category!r}")


# --- text and number helpers ---------------------------------------------------------------


def _unit_price(price, unit: str) -> str:
    p = Decimal(price)
    return f"{wan(p)}/{unit}" if p >= 1000 else f"{p.normalize():f}元/{unit}"


def _join(parts, sep: str = "、") -> str:
    return sep.join(str(p) for p in parts)


def _evidence(*parts: tuple[str, pd.DataFrame]) -> pd.DataFrame:
    """The rows behind a finding: copies of input rows with a ``table`` column in front."""
    frames = []
    for key, rows in parts:
        if rows is None or rows.empty:
            continue
        out = rows.copy()
        out.insert(0, TABLE_COLUMN, BY_NAME[key].title if key in BY_NAME else key)
        frames.append(out.reset_index(drop=True))
    if not frames:
        return pd.DataFrame(columns=[TABLE_COLUMN, *_SRC])
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _numbered(findings: list[Finding]) -> list[Finding]:
    """Suffix a rule's code with -1, -2… when it found more than one problem."""
    if len(findings) < 2:
        return findings
    return [replace(f, code=f"{f.code}-{i}") for i, f in enumerate(findings, start=1)]


def _budget_rows(budget: pd.DataFrame, codes) -> pd.DataFrame:
    return budget[budget["code"].isin(list(codes))]


# --- 1. budget no output indicator covers ------------------------------------------------------


def covered_items(indicators: pd.DataFrame) -> set[str]:
    """Budget item codes that at least one output (产出) indicator names in ``item_codes``."""
    if indicators.empty or "item_codes" not in indicators:
        return set()
    output = indicators[indicators["level1"].fillna("").str.contains(OUTPUT_LEVEL, regex=False)]
    return {code for value in output["item_codes"] for code in parse_codes(value)}


def uncovered_budget(budget: pd.DataFrame, indicators: pd.DataFrame, totals: dict) -> Finding | None:
    """The share of the budget that no output indicator measures (F01).

    An item is covered when an output indicator lists its code in ``item_codes``. When no
    indicator lists any code the mapping is unknown and nothing is reported.
    """
    covered = covered_items(indicators)
    if not covered or budget.empty:
        return None
    uncovered = budget[~budget["code"].isin(covered)]
    if uncovered.empty:
        return None
    amount = sum_known(uncovered["budget"]) or Decimal(0)
    base = totals.get("budget")
    base = Decimal(base) if not is_missing(base) else sum_known(budget["budget"])
    share = safe_ratio(amount, base)
    disclosed = uncovered[uncovered["budget"].notna()]
    undisclosed = uncovered[uncovered["budget"].isna()]
    largest = disclosed.assign(_b=[Decimal(v) for v in disclosed["budget"]]).sort_values(
        "_b", ascending=False, kind="stable").head(LARGEST_SHOWN)
    in_budget = budget[budget["code"].isin(covered)]
    figures = {
        "uncovered_amount": amount, "budget": base, "share": share,
        "covered_amount": sum_known(in_budget["budget"]),
        "items": len(budget), "covered_items": len(in_budget), "uncovered_items": len(uncovered),
        "uncovered_items_disclosed": len(disclosed), "uncovered_items_undisclosed": len(undisclosed),
    }
    text = (f"绩效指标表中，产出指标列明衡量的项目为{_join(in_budget['code'])}共{len(in_budget)}个；"
            f"{_join(uncovered['code'])}共{len(uncovered)}个项目没有列明对应的产出指标；"
            f"其中列明预算的{len(disclosed)}个项目合计{wan(amount)}，占预算总额{wan(base)}的{pct(share)}")
    if len(largest):
        text += "，金额最大的是" + _join(f"{analysis.item_label(r.code, r.item)}（{wan(r.budget)}）" for r in largest.itertuples())
    if len(undisclosed):
        text += f"；另有{len(undisclosed)}个未覆盖项目未披露预算数（{_join(undisclosed['code'])}）"
    shown = largest if len(largest) else uncovered.head(LARGEST_SHOWN)
    names = _join(f"「{item}」" for item in shown["item"])
    severity = HIGH if share is not None and share >= UNCOVERED_HIGH else (MEDIUM if amount else LOW)
    return Finding(
        code="F01", title="产出指标未覆盖主要支出项目", severity=severity, category="决策", figures=figures,
        rows=_evidence(("budget", uncovered)), summary=text + "。",
        recommendation=(f"项目单位为{names}等未被覆盖的项目设置产出指标（如设备完好率、巡检次数、故障修复时限、安全事件处置率），"
                        "使每个预算项目至少有一个可衡量的产出指标，并在「绩效指标」表的「对应项目」列写明指标衡量的项目编号。"),
    )


# --- 2. quantity targets on services paid per unit -------------------------------------------


def quantity_target_on_unit_priced_service(indicators: pd.DataFrame, contracts: pd.DataFrame,
                                           sms: pd.DataFrame | None = None) -> list[Finding]:
    """Quantity targets (≥) on services billed per unit: meeting them costs money (F02).

    The implied money is target × unit price (the contracts' lowest known unit price of the
    indicator's items; else the SMS table's price through :func:`analysis.sms_target_money`).
    """
    found = []
    if indicators.empty or contracts.empty or "item_codes" not in indicators:
        return found
    for idx, ind in indicators.iterrows():
        codes = parse_codes(ind["item_codes"])
        if (not codes or ind["target_op"] not in (">=", ">") or is_missing(ind["target_value"])
                or QUANTITY_LEVEL not in str(ind["level2"] or "")):
            continue
        # only a target counted in the unit the service is billed by (条, 万条) costs money; a rate does not
        per_unit = contracts[contracts["item_code"].isin(codes) & contracts["billing"].isin(PER_UNIT_BILLING)
                             & (contracts["billing"] == (ind.get("target_unit") or None))]
        if per_unit.empty:
            continue
        prices = [Decimal(p) for p in per_unit["unit_price"].dropna()]
        price = min(prices) if prices else None
        if price is None and sms is not None and not sms.empty:
            price = analysis.sms_target_money(sms, indicators.loc[[idx]])["unit_price"]
        target = to_decimal(float(ind["target_value"]))
        implied = None if price is None else (target * price).quantize(FEN)
        unit = per_unit["billing"].iloc[0]
        items = _join(f"「{analysis.item_label(c, i)}」" for c, i in dict.fromkeys(zip(per_unit["item_code"], per_unit["item"])))
        text = (f"「{ind['name']}」目标为{ind['target_text']}，而{items}按{unit}计费"
                f"（{_unit_price(price, unit) if price is not None else '单价未披露'}）")
        if implied is not None:
            text += (f"：完成目标即至少支出{wan(implied)}（{count_text(target)}{unit}×{_unit_price(price, unit)}），"
                     "用量越多越“达标”，花费也越多。")
        else:
            text += "：用量越多越“达标”，花费也越多。"
        found.append(Finding(
            code="F02", title="数量指标设在按量计费的服务上", severity=MEDIUM, category="决策",
            figures={"target": float(target), "unit_price": price, "implied": implied},
            rows=_evidence(("indicators", indicators.loc[[idx]]), ("contracts", per_unit)), summary=text,
            recommendation=(f"项目单位将「{ind['name']}」改为质量或成本指标（如有效送达率、单条成本、各部门发送额度执行率），"
                            f"不以数量多为目标：该服务按{unit}计费，数量越多越“达标”，支出也越多；"
                            "同时通过部门权限控制发送量，并说明指标值的测算依据。"),
        ))
    return _numbered(found)


# --- 3. recurring share ------------------------------------------------------------------------


def high_recurring_share(recurring: dict, budget: pd.DataFrame, contracts: pd.DataFrame) -> Finding | None:
    """Recurring (刚性) contracts' share of the budget when it reaches :data:`RECURRING_THRESHOLD` (F03).

    Args:
        recurring: :func:`~qdanalysis.analyse.analyses.recurring_share` of the year.
        budget, contracts: the tables it was computed from (for the evidence rows).
    """
    if budget.empty or contracts.empty:
        return None
    r = recurring
    if r["share"] is None or r["share"] < RECURRING_THRESHOLD:
        return None
    items = [c for c in budget["code"] if c in set(r["items"])]
    text = (f"延续性（刚性）合同涉及{_join(items)}共{len(items)}个项目，已列明预算的合计{wan(r['recurring'])}，"
            f"占预算总额{wan(r['budget'])}的{pct(r['share'])}")
    if r["items_undisclosed"]:
        text += f"；其中{_join(r['items_undisclosed'])}的预算数未披露、未计入，实际占比更高"
    if r.get("items_unknown"):
        text += f"；{_join(r['items_unknown'])}的合同未写明计费方式，是否持续付费无法判断，未计入"
    return Finding(
        code="F03", title="刚性支出占比大，挤压新增项目", severity=HIGH if r["share"] >= RECURRING_HIGH else MEDIUM,
        category="效益",
        figures={"recurring": r["recurring"], "budget": r["budget"], "share": r["share"], "items": len(items),
                 "items_undisclosed": len(r["items_undisclosed"])},
        rows=_evidence(("budget", _budget_rows(budget, items))), summary=text + "。",
        recommendation=("项目单位在预算安排前对连续多年实施的运维项目逐项论证必要性和可行性，合并同类运维项目，"
                        "调减不必要或无效的项目，为新增项目留出资金空间，并逐年跟踪刚性支出占比。"),
    )


# --- 4. overlapping contract scopes ------------------------------------------------------------

_CLAUSE_SEP = re.compile(r"[；;。\n]+")
_PHRASE_SEP = re.compile(r"[，,、]+")
# 及/和 split only where they join two phrases of two or more characters (UPS及配电系统), not
# inside a word (及时, 涉及, 和谐, 总和).
_CONJ_SEP = re.compile(r"(?<=[^\s]{2})(?:以及|(?<![涉普危波顾以])及(?![时格早])|(?<![总缓调温柔平])和(?![谐解睦平]))"
                       r"(?=[^\s]{2})")
_TRIM = re.compile(r"^(对|包括|含)|(等等|等)$")
_NOISE = re.compile(r"[；;，,、。\s及和的等]")


def _normalise(text: str) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).upper()
    return _TRIM.sub("", text)


def service_phrases(scope) -> tuple[list[str], list[str]]:
    """A scope split into clauses (at ；;。) and service phrases (also at ，,、 and 及/和), normalised."""
    if is_missing(scope):
        return [], []
    clauses = [_normalise(c) for c in _CLAUSE_SEP.split(str(scope))]
    clauses = [c for c in clauses if c]
    phrases = []
    for clause in clauses:
        for part in _PHRASE_SEP.split(clause):
            phrases += [_normalise(p) for p in _CONJ_SEP.split(part)]
    return clauses, [p for p in dict.fromkeys(phrases) if p]


def scope_similarity(a, b) -> float:
    """Jaccard similarity of the character bigrams of two scopes (punctuation and 及/和/的/等 removed)."""
    def grams(text) -> set[str]:
        t = _NOISE.sub("", unicodedata.normalize("NFKC", str(text)).upper())
        return {t[i:i + 2] for i in range(len(t) - 1)}

    if is_missing(a) or is_missing(b):
        return 0.0
    ga, gb = grams(a), grams(b)
    return len(ga & gb) / len(ga | gb) if ga | gb else 0.0


def shared_services(a, b) -> list[str]:
    """Service phrases of at least :data:`MIN_PHRASE_CHARS` characters found in both scopes:
    whole shared clauses first, then shared phrases that no shared clause contains."""
    ca, pa = service_phrases(a)
    cb, pb = service_phrases(b)
    clauses = [c for c in ca if c in cb and len(_NOISE.sub("", c)) >= MIN_PHRASE_CHARS]
    phrases = [p for p in pa if p in pb and len(p) >= MIN_PHRASE_CHARS and not any(p in c for c in clauses)]
    return clauses + phrases


def overlapping_scopes(contracts: pd.DataFrame, budget: pd.DataFrame) -> list[Finding]:
    """Pairs of budget items whose contracts describe the same services (F04).

    Contracts of the same item (a contract and its renewal) are not compared. A pair of
    items is reported once, with every service phrase their contracts share.
    """
    found = []
    if contracts.empty:
        return found
    c = contracts[contracts["scope"].notna()]
    key = [code if not is_missing(code) else item for code, item in zip(c["item_code"], c["item"])]
    pairs: dict[tuple[str, str], dict] = {}
    for (i, ka), (j, kb) in itertools.combinations(zip(c.index, key), 2):
        if ka == kb:
            continue
        shared = shared_services(c.at[i, "scope"], c.at[j, "scope"])
        sim = scope_similarity(c.at[i, "scope"], c.at[j, "scope"])
        if not shared and sim < SIMILARITY_THRESHOLD:
            continue
        (ka, i), (kb, j) = sorted([(ka, i), (kb, j)], key=lambda t: _code_key(t[0]))
        entry = pairs.setdefault((ka, kb), {"shared": [], "similarity": 0.0, "rows": []})
        entry["shared"] += [s for s in shared if s not in entry["shared"]]
        entry["similarity"] = max(entry["similarity"], sim)
        entry["rows"] += [r for r in (i, j) if r not in entry["rows"]]
    for (ka, kb), e in pairs.items():
        rows = c.loc[sorted(e["rows"])]
        name = {k: (rows.loc[rows["item_code"].eq(k) | rows["item"].eq(k), "item"].iloc[0]) for k in (ka, kb)}
        amount = {k: _item_budget(budget, k) for k in (ka, kb)}
        combined = None if None in amount.values() else amount[ka] + amount[kb]
        where = sources_text(rows)
        seen = f"（见{where}）" if where else ""
        a_name, b_name = f"「{analysis.item_label(ka, name[ka])}」", f"「{analysis.item_label(kb, name[kb])}」"
        if e["shared"]:
            shared = "；".join(e["shared"])
            text = f"{a_name}与{b_name}的合同“服务内容”都列有：{shared}{seen}"
        else:
            shared = "相近的服务"
            text = f"{a_name}与{b_name}的合同“服务内容”表述相近，但没有完全相同的服务表述{seen}"
        text += f"；两项预算分别为{wan(amount[ka])}、{wan(amount[kb])}"
        if combined is not None:
            text += f"，合计{wan(combined)}"
        found.append(Finding(
            code="F04", title="不同项目的服务内容重叠", severity=MEDIUM, category="决策",
            figures={"similarity": e["similarity"], "shared_services": len(e["shared"]),
                     "budget_a": amount[ka], "budget_b": amount[kb], "combined_budget": combined},
            rows=_evidence(("contracts", rows), ("budget", _budget_rows(budget, [ka, kb]))), summary=text + "。",
            recommendation=(f"项目单位核实{a_name}与{b_name}合同中相同服务的实际范围；确属重复的，合并实施或重新划分服务范围"
                            f"（{shared}只由一个项目负责），并在合同中写明各自的设备清单。"),
        ))
    return _numbered(found)


def _code_key(code: str) -> tuple:
    """``1.10`` after ``1.9``; names after codes."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-]", str(code)))


def _item_budget(budget: pd.DataFrame, key: str) -> Decimal | None:
    match = budget[budget["code"].eq(key) | budget["item"].eq(key)]
    return None if match.empty or is_missing(match["budget"].iloc[0]) else Decimal(match["budget"].iloc[0])


# --- 5. renewals without competition -----------------------------------------------------------


def renewals_without_competition(chains: pd.DataFrame, summary: pd.DataFrame, contracts: pd.DataFrame,
                                 year: int) -> list[Finding]:
    """Contract chains renewed without competition, or long since their last tender (F05).

    A chain is stale when it has run :data:`STALE_YEARS` budget years or more since its last
    competitive procurement (or, with none on record, since its first contract): one finding
    each, 高 from :data:`LONG_YEARS`. Chains renewed without competition more recently are
    grouped into one 低 finding. Money since is the current annual cost × the same years: an
    estimate (推算), made only where the renewal summary makes one.

    Args:
        chains, summary: :func:`~qdanalysis.analyse.analyses.renewal_chains` of ``contracts`` and
            its :func:`~qdanalysis.analyse.analyses.renewal_summary` for ``year``.
    """
    if contracts.empty:
        return []
    extra = contracts.set_index("contract_id")
    stale, recent = [], []
    for s in summary.itertuples():
        links = chains[chains["chain"] == s.chain]
        last = links.iloc[-1]
        renewed = s.renewals > 0 or any(_is_renewal(p) for p in links["procurement"])
        years = None if pd.isna(s.years) else int(s.years)
        if years is not None and years >= STALE_YEARS:
            stale.append((s, links))
        elif renewed and not last["competitive"]:
            recent.append((s, links))
    found = [_stale_finding(s, links, extra, year) for s, links in stale]
    if recent:
        found.append(_recent_renewals_finding(recent, extra, year))
    return _numbered(found)


def _is_renewal(procurement) -> bool:
    return not is_missing(procurement) and any(w in str(procurement) for w in RENEWAL_WORDS)


def _chain_rows(links: pd.DataFrame, contracts: pd.DataFrame) -> pd.DataFrame:
    rows = contracts.loc[list(links["contract_id"])].reset_index()
    rows.insert(1, "step", list(links["step"]))
    rows.insert(2, "growth", list(links["growth"]))
    return rows


def _signed_text(contract_id: str, contracts: pd.DataFrame) -> str:
    c = contracts.loc[contract_id]
    precision = c["signed_precision"] if "signed_precision" in contracts else None
    return date_text(c["signed"], None if is_missing(precision) else precision)


def _reference_text(s, links: pd.DataFrame, contracts: pd.DataFrame, since: bool = True) -> str:
    """Where the years are counted from: the last tender, else the first contract."""
    at = links[links["signed"] == s.reference]
    if s.competition_on_record:
        ref = at[at["competitive"]].iloc[-1]
        return f"上次竞争性采购为{_signed_text(ref['contract_id'], contracts)}（{ref['procurement']}）"
    first = at.iloc[0] if len(at) else links.iloc[0]
    how = f"采购方式为{first['procurement']}" if not is_missing(first["procurement"]) else "采购方式未披露"
    text = f"数据中无竞争性采购记录（首份合同{_signed_text(first['contract_id'], contracts)}，{how}）"
    return text + ("，自首份合同起算" if since else "")


def _growth_text(links: pd.DataFrame) -> str:
    if len(links) < 2:
        return "数据中仅此一份合同，无续签增幅可算"
    parts = []
    for _, link in links.iloc[1:].iterrows():
        when = f"{link['signed'].year}年续签" if not pd.isna(link["signed"]) else "续签"
        change = "金额未披露" if pd.isna(link["growth"]) else f"增幅{pct(link['growth'])}"
        parts.append(f"{when}{change}")
    return "；".join(parts)


def _stale_title(s, links: pd.DataFrame) -> str:
    """A title the chain's records support: renewed, never tendered, or long since its tender."""
    if s.renewals > 0 or any(_is_renewal(p) for p in links["procurement"]):
        return "合同长期续签，未重新竞争性采购"
    if not s.competition_on_record:
        return "长期未见竞争性采购记录"
    return "距上次竞争性采购时间较长"


def _stale_finding(s, links: pd.DataFrame, contracts: pd.DataFrame, year: int) -> Finding:
    last = links.iloc[-1]
    code = contracts.loc[last["contract_id"], "item_code"]
    who = analysis.item_label(code, s.item) + (f"（{s.vendor}）" if not is_missing(s.vendor) else "")
    spent = None if pd.isna(s.spent_since) else Decimal(s.spent_since)
    annual = None if pd.isna(s.last_cost) else Decimal(s.last_cost)
    years = int(s.years)
    span = f"{s.reference.year}—{year}年，共{years}个年度"
    text = f"{who}：{_reference_text(s, links, contracts)}（{span}）"
    if spent is not None:
        text += (f"；按现行年费{wan(annual)}×{years}个年度推算，累计约{wan(spent)}"
                 "（按现价估算，并非实际支付记录）")
    elif annual is None:
        text += "；现行合同的年费用未披露，不推算累计支出"
    else:
        text += "；现行合同的服务期已结束，不按年推算累计支出"
    text += f"；{_growth_text(links)}。"
    return Finding(
        code="F05", title=_stale_title(s, links), severity=HIGH if years >= LONG_YEARS else MEDIUM,
        category="决策",
        figures={"years": years, "annual_cost": annual, "spent_since": spent,
                 "renewals": int(s.renewals), "cagr": None if pd.isna(s.cagr) else float(s.cagr)},
        rows=_evidence(("contracts", _chain_rows(links, contracts))), summary=text,
        recommendation=("项目单位对长期未经竞争性采购的合同进行绩效评估和市场询价，按规定重新组织竞争性采购，"
                        "参考评估结果和同类服务市场价格确定合同金额；对连续多年续签的运维项目，续签前论证其必要性并评估风险。"),
    )


def _recent_renewals_finding(recent: list, contracts: pd.DataFrame, year: int) -> Finding:
    parts, rows, known = [], [], []
    undisclosed = 0
    for s, links in recent:
        last = links.iloc[-1]
        code = contracts.loc[last["contract_id"], "item_code"]
        when = f"{last['signed'].year}年" if not pd.isna(last["signed"]) else ""
        if pd.isna(last["annual_cost"]):
            undisclosed += 1
            amount = "续签金额未披露，无法计算续签增幅"
        else:
            amount = f"续签年费{wan(last['annual_cost'])}"
            if not pd.isna(last["growth"]):
                amount += f"，增幅{pct(last['growth'])}"
        parts.append(f"{analysis.item_label(code, s.item)}于{when}续签，{amount}；{_reference_text(s, links, contracts, since=False)}")
        rows.append(_chain_rows(links, contracts))
        if not pd.isna(s.last_cost):
            known.append(Decimal(s.last_cost))
    text = "；".join(parts)
    return Finding(
        code="F05", title="合同续签未重新采购" + ("，续签金额未披露" if undisclosed else ""), severity=LOW,
        category="决策",
        figures={"chains": len(recent), "renewals_undisclosed": undisclosed, "annual_cost_known": sum_known(known)},
        rows=_evidence(*(("contracts", r) for r in rows)), summary=text + "。",
        recommendation=("项目单位在续签合同前对上一年度实施情况进行绩效评估，参考评估结果合理确定续签金额，并在合同台账中记录续签金额、"
                        "日期和采购方式；对续签存在风险的项目提前规划，重新进行采购。"),
    )


# --- 6. the same service at very different prices ----------------------------------------------


def unit_price_disparity(prices: pd.DataFrame, lines: pd.DataFrame) -> list[Finding]:
    """The same line type and bandwidth bought at prices :data:`DISPARITY_RATIO` or more apart (F06).

    The annual excess is (fee − cheapest fee) × 12 × the number of such lines.

    Args:
        prices: :func:`~qdanalysis.analyse.analyses.same_bandwidth_prices` of ``lines``.
    """
    found = []
    if lines.empty:
        return found
    for (line_type, bw), g in prices.groupby(["line_type", "bandwidth_mbps"], sort=False):
        if g["ratio_to_cheapest"].max() < DISPARITY_RATIO:
            continue
        cheap = g.loc[g["ratio_to_cheapest"].idxmin()]
        cheapest = Decimal(cheap["monthly_fee"])
        group_lines = lines[(lines["line_type"] == line_type) & (lines["bandwidth_mbps"] == bw)]
        dear = g[g["ratio_to_cheapest"] >= DISPARITY_RATIO]
        excess = Decimal(0)
        for _, d in dear.iterrows():
            same = (group_lines["carrier"] == d["carrier"]) & (group_lines["monthly_fee"] == d["monthly_fee"])
            match = group_lines[same]
            count = int(match["count"].fillna(1).sum()) or 1
            excess += (Decimal(d["monthly_fee"]) - cheapest) * 12 * count
        top = dear.iloc[0]
        ratio = float(top["ratio_to_cheapest"])
        service = f"{_bandwidth_text(bw)}{line_type}"
        text = (f"同为{service}，{top['carrier']}{_unit_price(top['monthly_fee'], '月')}，"
                f"{cheap['carrier']}{_unit_price(cheapest, '月')}，前者是后者的{times(ratio)}。"
                "数据未载明两条线路的服务内容（如保障等级、独享或共享），二者是否可比需核实；"
                f"若按较低价格计，年差额{wan(excess)}（推算：月租之差×12个月×线路条数），不能据此认定为多支出。")
        found.append(Finding(
            code="F06", title="同带宽线路价格差异较大，需核实服务内容及定价依据",
            severity=HIGH if ratio >= DISPARITY_HIGH else MEDIUM,
            category="过程",
            figures={"ratio": ratio, "monthly_fee_high": Decimal(top["monthly_fee"]), "monthly_fee_low": cheapest,
                     "annual_excess": excess},
            rows=_evidence(("lines", group_lines)), summary=text,
            recommendation=(f"由项目单位核实{top['carrier']}与{cheap['carrier']}{service}的服务内容和定价依据；服务可比的，"
                            f"以较低价格为参照对{top['carrier']}线路重新询价或组织竞争性采购，并在续签时写明价格依据。"),
        ))
    return _numbered(found)


def _bandwidth_text(mbps) -> str:
    return f"{format_number(mbps, 0)}M" if not is_missing(mbps) else ""


# --- 7. planned against paid ---------------------------------------------------------------------


def plan_vs_payment(budget: pd.DataFrame, contracts: pd.DataFrame) -> list[Finding]:
    """Contracts for items the budget does not list, and budget items with no contract and no
    executed figure (无支付或合同记录; 低 because the executed amounts are undisclosed) (F07)."""
    found = []
    if budget.empty:
        return found
    codes, names = set(budget["code"].dropna()), set(budget["item"].dropna())
    if not contracts.empty:
        unplanned = contracts[~(contracts["item_code"].isin(codes) | contracts["item"].isin(names))]
        if len(unplanned):
            amount = sum_known(c for c in unplanned["annual_cost"])
            found.append(Finding(
                code="F07", title="支出项目不在预算计划内", severity=MEDIUM, category="产出",
                figures={"contracts": len(unplanned), "annual_cost": amount},
                rows=_evidence(("contracts", unplanned)),
                summary=(f"{len(unplanned)}份合同对应的项目不在预算表中："
                         f"{_join(analysis.item_label(c, i) for c, i in zip(unplanned['item_code'], unplanned['item']))}，"
                         f"已知年费合计{wan(amount)}，未见预算调整记录。"),
                recommendation="项目单位在项目调整时严格履行调整报批程序，并同步调整绩效目标、工作进度和预算实施计划；未经调整的支出补办手续或说明原因。",
            ))
    contracted = set(contracts["item_code"].dropna()) | set(contracts["item"].dropna())
    no_contract = budget[~(budget["code"].isin(contracted) | budget["item"].isin(contracted))]
    unknown = no_contract[no_contract["executed"].isna()]
    zero = no_contract[no_contract["executed"].notna() & no_contract["budget"].notna()]
    zero = zero[[Decimal(e) == 0 and Decimal(b) > 0 for e, b in zip(zero["executed"], zero["budget"])]]
    if len(zero):
        amount = sum_known(zero["budget"])
        found.append(Finding(
            code="F07", title="安排预算但未支出", severity=MEDIUM, category="产出",
            figures={"items": len(zero), "budget": amount}, rows=_evidence(("budget", zero)),
            summary=(f"{len(zero)}个项目安排预算{wan(amount)}，执行数为0且无合同记录："
                     f"{_join(analysis.item_label(c, i) for c, i in zip(zero['code'], zero['item']))}。"),
            recommendation="项目单位查明未支出原因；确不需要的项目及时调减预算，按程序调整绩效目标。",
        ))
    if len(unknown):
        amount = sum_known(unknown["budget"])
        summary = (f"{len(budget)}个预算项目中{len(unknown)}个无支付或合同记录，执行数未披露，无法判断是否按计划实施："
                   f"{_join(analysis.item_label(c, i) for c, i in zip(unknown['code'], unknown['item']))}")
        summary += f"；其预算数{'合计' + wan(amount) if amount is not None else '也均未披露'}。"
        found.append(Finding(
            code="F07", title="计划项目无支付或合同记录", severity=LOW, category="产出", limitation=True,
            figures={"items": len(budget), "items_without_record": len(unknown), "budget": amount},
            rows=_evidence(("budget", unknown)), summary=summary,
            recommendation=("项目单位逐项登记合同和支付记录（合同台账的「本年支付」、预算表的「执行数」），"
                            "对实际内容与计划不一致的项目履行调整报批程序，保证计划与支出可逐项核对。"),
        ))
    return _numbered(found)


# --- 8. the data's own contradictions ------------------------------------------------------------


def contradictions(checks: pd.DataFrame, budget: pd.DataFrame, contracts: pd.DataFrame,
                   lines: pd.DataFrame) -> list[Finding]:
    """Cross-checks whose figures disagree (status 不一致), with the rows they compare (F08).

    A budget that its contracts' arithmetic does not reach (2.2: 约90万元 against 942元 × 92 × 12)
    shows a budget whose basis is not documented, not data that contradict themselves.
    """
    found = []
    if checks.empty:
        return found
    for _, chk in checks[checks["status"] == STATUS_DIFF].iterrows():
        code = str(chk["check"]).split(" ")[0]
        rel = None if is_missing(chk["relative"]) else float(chk["relative"])
        found.append(Finding(
            code="F08", title="预算测算依据不充分",
            severity=MEDIUM if rel is None or abs(rel) >= CONTRADICTION_MEDIUM else LOW, category="决策",
            figures={"computed": chk["computed"], "stated": chk["stated"], "difference": chk["difference"],
                     "relative": rel},
            rows=_evidence(("数据核对", pd.DataFrame([chk.to_dict()])), ("budget", _budget_rows(budget, [code])),
                           ("contracts", _item_rows(contracts, code)), ("lines", _item_rows(lines, code))),
            summary=f"{chk['check']}：{chk['detail'] or chk['formula']}。",
            recommendation=("项目单位按合同单价×数量重新测算预算数，不用约数；核实线路条数与单价，"
                            "预算不足以覆盖合同义务的，说明差额来源（如线路减少、单价下调）或调整预算。"),
        ))
    return _numbered(found)


def _item_rows(table: pd.DataFrame, code: str) -> pd.DataFrame:
    return table[table["item_code"] == code] if not table.empty and "item_code" in table else table.iloc[0:0]


# --- 9. indicators ---------------------------------------------------------------------------------


def indicator_not_met(status: pd.DataFrame, indicators: pd.DataFrame) -> list[Finding]:
    """Targets the reported actual does not reach (F09); 高 below :data:`NOT_MET_HIGH` of target.

    Args:
        status: :func:`~qdanalysis.analyse.analyses.indicator_status` of ``indicators`` (row for row).
    """
    found = []
    if indicators.empty:
        return found
    for pos in range(len(status)):
        s = status.iloc[pos]
        if s["status"] != analysis.STATUS_NOT_MET:
            continue
        ach = None if pd.isna(s["achievement"]) else float(s["achievement"])
        text = f"「{s['name']}」目标{s['target_text']}，实际{s['actual_text']}"
        text += f"，完成{pct(ach)}，未达到目标。" if ach is not None else "，未达到目标。"
        found.append(Finding(
            code="F09", title="绩效目标未完成", severity=HIGH if ach is not None and ach < NOT_MET_HIGH else MEDIUM,
            category="产出", figures={"achievement": ach, "target": _float(indicators.iloc[pos]["target_value"]),
                                      "actual": _float(indicators.iloc[pos]["actual_value"])},
            rows=_evidence(("indicators", indicators.iloc[[pos]])), summary=text,
            recommendation=(f"项目单位查明「{s['name']}」未完成的原因，制定整改措施和完成时限；"
                            "目标值脱离实际的，依据往年完成情况和项目计划重新测算指标值。"),
        ))
    return _numbered(found)


def indicators_without_evidence(status: pd.DataFrame, indicators: pd.DataFrame) -> Finding | None:
    """Indicators with no reported actual: the result cannot be verified (缺少佐证) (F10).

    Args:
        status: :func:`~qdanalysis.analyse.analyses.indicator_status` of ``indicators`` (row for row).
    """
    if indicators.empty:
        return None
    missing = status["status"] == analysis.STATUS_UNKNOWN
    n, total = int(missing.sum()), len(status)
    if not n:
        return None
    share = n / total
    return Finding(
        code="F10", title="绩效指标缺少完成值佐证", severity=MEDIUM if share >= EVIDENCE_MEDIUM else LOW, category="过程",
        limitation=True,
        figures={"without_actual": n, "indicators": total, "share": share},
        rows=_evidence(("indicators", indicators[missing.to_numpy()])),
        summary=(f"{total}个绩效指标中{n}个（{pct(share)}）没有报告完成值：{_join(status.loc[missing, 'name'])}；"
                 "无法据此判断目标是否完成。"),
        recommendation=("项目单位为每个指标明确数据来源和采集方式（如线路清单条数、短信平台月度统计、运维工单响应时间、满意度问卷），"
                        "年末随自评报告提供完成值和佐证材料。"),
    )


def _float(value) -> float | None:
    return None if is_missing(value) else float(value)


#: An actual at or above this multiple of its target suggests the target was set low (F13).
TARGET_LOW_RATIO = 1.5


def cost_target_is_the_budget(indicators: pd.DataFrame, totals: dict) -> list[Finding]:
    """A cost indicator whose ceiling is the whole budget (采购成本 ≤941万元) measures nothing that
    预算执行率 does not (F11, 指标设置不科学)."""
    found = []
    budget = totals.get("budget")
    if indicators.empty or budget is None:
        return found
    for pos in range(len(indicators)):
        r = indicators.iloc[pos]
        ceiling = analysis.budget_ceiling(r, budget)
        if ceiling is None:
            continue
        found.append(Finding(
            code="F11", title="成本指标设置不科学", severity=MEDIUM, category="决策",
            figures={"ceiling": ceiling, "budget": Decimal(budget)},
            rows=_evidence(("indicators", indicators.iloc[[pos]])),
            summary=(f"「{r['name']}」的指标值为{r['target_text']}，即项目预算总额{wan(budget)}：只要支出不超过预算即为完成，"
                     "与预算执行率重复，不能反映单位产出的成本。"),
            recommendation=(f"项目单位将「{r['name']}」改为单位成本或成本节约类指标（如每条线路年均费用、每条短信单价、"
                            "运维费用占设备原值比例），并说明指标值的测算依据。"),
        ))
    return _numbered(found)


def units_inconsistent(indicators: pd.DataFrame) -> list[Finding]:
    """A target and its actual counted in different units (≥3万条 against 4.8万路): 口径不一致 (F12)."""
    found = []
    for pos in range(len(indicators)):
        r = indicators.iloc[pos]
        if not analysis.units_differ(r):
            continue
        found.append(Finding(
            code="F12", title="指标值与实际完成值口径不一致", severity=MEDIUM, category="决策",
            figures={"target_unit": r["target_unit"], "actual_unit": r["actual_unit"]},
            rows=_evidence(("indicators", indicators.iloc[[pos]])),
            summary=(f"「{r['name']}」的指标值{r['target_text']}以“{r['target_unit']}”计，实际完成值{r['actual_text']}以"
                     f"“{r['actual_unit']}”计，二者口径不一致，无法据此判断目标是否完成。"),
            recommendation=(f"项目单位统一「{r['name']}」指标值与完成值的计量口径，在绩效目标申报表中写明计量单位和统计方法，"
                            "按同一口径报告完成值。"),
        ))
    return _numbered(found)


def target_set_low(indicators: pd.DataFrame) -> list[Finding]:
    """An actual far above its target (150% or more, same unit) suggests the target was set low (F13)."""
    found = []
    for pos in range(len(indicators)):
        r = indicators.iloc[pos]
        if r["target_op"] not in (">=", ">") or pd.isna(r["target_value"]) or pd.isna(r["actual_value"]) \
                or not r["target_value"] or analysis.units_differ(r):
            continue
        ratio = float(r["actual_value"]) / float(r["target_value"])
        if ratio < TARGET_LOW_RATIO:
            continue
        found.append(Finding(
            code="F13", title="绩效目标值设置偏低", severity=LOW, category="决策", figures={"ratio": ratio},
            rows=_evidence(("indicators", indicators.iloc[[pos]])),
            summary=(f"「{r['name']}」实际完成{r['actual_text']}，为指标值{r['target_text']}的{pct(ratio, 0)}，"
                     "目标值明显低于实际能力。"),
            recommendation=(f"项目单位依据往年完成情况和本年度工作计划重新测算「{r['name']}」的指标值，使目标具有挑战性。"),
        ))
    return _numbered(found)


# --- all rules ---------------------------------------------------------------------------------------


def find_all(data: YearData, *, checks: pd.DataFrame, chains: pd.DataFrame, renewals: pd.DataFrame,
             recurring: dict, prices: pd.DataFrame, indicator_status: pd.DataFrame) -> list[Finding]:
    """Every rule on one year's data and its analyses; the findings the data supports, most severe first.

    The keyword arguments are the year's analyses, as :func:`qdanalysis.analyse.year.analyse`
    computes them once (``renewals`` is the renewal summary of ``chains``).
    """
    found: list[Finding | None] = [
        uncovered_budget(data.budget, data.indicators, data.totals),
        *quantity_target_on_unit_priced_service(data.indicators, data.contracts, data.sms),
        high_recurring_share(recurring, data.budget, data.contracts),
        *overlapping_scopes(data.contracts, data.budget),
        *renewals_without_competition(chains, renewals, data.contracts, data.year),
        *unit_price_disparity(prices, data.lines),
        *plan_vs_payment(data.budget, data.contracts),
        *contradictions(checks, data.budget, data.contracts, data.lines),
        *indicator_not_met(indicator_status, data.indicators),
        indicators_without_evidence(indicator_status, data.indicators),
        *cost_target_is_the_budget(data.indicators, data.totals),
        *units_inconsistent(data.indicators),
        *target_set_low(data.indicators),
    ]
    return sort_findings([f for f in found if f is not None])


def in_report_order(findings: list[Finding]) -> list[Finding]:
    """Grouped by the four first-level indicators (决策、过程、产出、效益), most severe first within each:
    the order and the numbers of the report's 主要问题 and of the Excel sheet."""
    return sorted(findings, key=lambda f: (CATEGORIES.index(f.category), SEVERITIES.index(f.severity),
                                           _code_key(f.code[1:])))


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Most severe first; within a severity, by rule code."""
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), _code_key(f.code[1:])))


def sources_text(rows: pd.DataFrame) -> str:
    """``合同台账第4、5行；预算执行第4行`` for the rows that carry a source."""
    if rows.empty or "src_row" not in rows or "src_sheet" not in rows:
        return ""
    known = rows.dropna(subset=["src_row", "src_sheet"])
    parts = [f"{sheet}第{_join(sorted({int(r) for r in g['src_row']}))}行"
             for sheet, g in known.groupby("src_sheet", sort=False)]
    return "；".join(parts)


def findings_table(findings: list[Finding]) -> pd.DataFrame:
    """One row per finding, in the order given: 序号, 编号 (the rule's code), 问题, 严重程度, 类别, 依据, 建议.

    ``依据`` is the summary followed by the source rows (来源：…).
    """
    rows = []
    for number, f in enumerate(findings, start=1):
        src = sources_text(f.rows)
        rows.append({"序号": number, "编号": f.code, "问题": f.title, "严重程度": f.severity, "类别": f.category,
                     "依据": f.summary + (f"（来源：{src}）" if src else ""), "建议": f.recommendation})
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)
