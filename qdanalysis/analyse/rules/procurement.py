"""Rules on contracts and prices: overlapping contract scopes (F04), renewals without competition
(F05), the same service bought at very different prices (F06), and close items around a contract
that ended in the year (F14, a question for the team)."""

from __future__ import annotations

import itertools
import re
import unicodedata
from decimal import Decimal

import pandas as pd

from qdanalysis.analyse.findings import (
    HIGH,
    LOW,
    MEDIUM,
    Finding,
    Rule,
    budget_rows,
    code_key,
    evidence_rows,
    join,
    numbered,
    sources_text,
    unit_price_text,
)
from qdanalysis.analyse.linking import item_label
from qdanalysis.domain import DECISION, PROCESS
from qdanalysis.fmt import date_text, format_number, pct, times, wan
from qdanalysis.money import is_missing, sum_known

#: Procurement words that mark a renewal rather than a new procurement.
RENEWAL_WORDS = ("续签", "续租", "续约", "续订")
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


def _grams(text) -> set[str]:
    """Character bigrams of a text, punctuation and 及/和/的/等 removed."""
    if is_missing(text):
        return set()
    t = _NOISE.sub("", unicodedata.normalize("NFKC", str(text)).upper())
    return {t[i:i + 2] for i in range(len(t) - 1)}


def scope_similarity(a, b) -> float:
    """Jaccard similarity of the character bigrams of two scopes (punctuation and 及/和/的/等 removed)."""
    if is_missing(a) or is_missing(b):
        return 0.0
    ga, gb = _grams(a), _grams(b)
    return len(ga & gb) / len(ga | gb) if ga | gb else 0.0


def shared_services(a, b) -> list[str]:
    """Service phrases of at least :data:`MIN_PHRASE_CHARS` characters found in both scopes:
    whole shared clauses first, then shared phrases that no shared clause contains."""
    ca, pa = service_phrases(a)
    cb, pb = service_phrases(b)
    clauses = [c for c in ca if c in cb and len(_NOISE.sub("", c)) >= MIN_PHRASE_CHARS]
    phrases = [p for p in pa if p in pb and len(p) >= MIN_PHRASE_CHARS and not any(p in c for c in clauses)]
    return clauses + phrases


#: Character bigrams two item names share from which their services are close enough to ask about.
NAME_BIGRAMS_SHARED = 3

OVERLAPPING_SCOPES = Rule("F04", DECISION, bears_on=("预算编制科学性", "资金分配合理性"),
                          read=lambda e: overlapping_scopes(e.data.contracts, e.data.budget))


def _scope_source(rows: pd.DataFrame) -> str:
    """Where the compared 服务内容 texts come from (the ledger's 服务内容出处), else empty."""
    if "scope_source" not in rows:
        return ""
    return "；".join(dict.fromkeys(v for v in rows["scope_source"] if not is_missing(v)))


def overlapping_scopes(contracts: pd.DataFrame, budget: pd.DataFrame) -> list[Finding]:
    """Pairs of budget items whose contracts describe the same services (F04).

    Contracts of the same item (a contract and its renewal) are not compared. A pair of
    items is reported once, with every service phrase their contracts share, and with where the
    texts come from (服务内容出处) when the ledger says.
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
        (ka, i), (kb, j) = sorted([(ka, i), (kb, j)], key=lambda t: code_key(t[0]))
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
        origin = _scope_source(rows)
        lead = f"据{origin}，" if origin else ""
        whose = "" if origin else "合同"
        seen = f"（见{where}）" if where else ""
        a_name, b_name = item_label(ka, name[ka]), item_label(kb, name[kb])
        if e["shared"]:
            text = f"{lead}{a_name}与{b_name}的{whose}服务内容都列有：{'；'.join(e['shared'])}{seen}"
        else:
            text = f"{lead}{a_name}与{b_name}的{whose}服务内容表述相近，但没有完全相同的服务表述{seen}"
        text += f"；两项预算分别为{wan(amount[ka])}、{wan(amount[kb])}"
        if combined is not None:
            text += f"，合计{wan(combined)}"
        found.append(OVERLAPPING_SCOPES.finding(
            title="不同项目的服务内容重叠", severity=MEDIUM,
            figures={"similarity": e["similarity"], "shared_services": len(e["shared"]),
                     "budget_a": amount[ka], "budget_b": amount[kb], "combined_budget": combined},
            rows=evidence_rows(("contracts", rows), ("budget", budget_rows(budget, [ka, kb]))), summary=text + "。",
            recommendation=("项目单位对同类运维项目合并实施，或按设备清单划分各项目的服务范围，使每项服务只由一个项目承担，"
                            "并在合同中列明各自的设备清单。"),
        ))
    return numbered(found)


SUCCESSION_QUESTIONS = Rule("F14", DECISION,
                            read=lambda e: succession_questions(e.data.contracts, e.data.budget, e.data.year))


def succession_questions(contracts: pd.DataFrame, budget: pd.DataFrame, year: int) -> list[Finding]:
    """A contract whose term ended during ``year`` with nothing renewing it, and budget items of its
    category whose names are close to its own (:data:`NAME_BIGRAMS_SHARED` bigrams) (F14): whether a new
    item without a contract continues it, or overlaps the others, the data cannot tell: a question for
    the team, not a finding of fact, so it is listed with what the data lacks (其他需要说明的问题)."""
    if budget.empty or contracts.empty or "category" not in budget:
        return []
    year = int(year)
    first, last = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    renewed = set(contracts["renews"].dropna())
    ended = contracts[contracts["end"].notna() & (contracts["end"] >= first) & (contracts["end"] < last)
                      & ~contracts["contract_id"].isin(renewed) & contracts["item_code"].notna()]
    with_contract = set(contracts["item_code"].dropna())
    found = []
    for _, c in ended.iterrows():
        own = budget[budget["code"] == c["item_code"]]
        if own.empty:
            continue
        item = own.iloc[0]
        near = budget[(budget["category"] == item["category"]) & (budget["code"] != item["code"])]
        near = near[[len(_grams(n) & _grams(item["item"])) >= NAME_BIGRAMS_SHARED for n in near["item"]]]
        new = near[~near["code"].isin(with_contract)]
        if new.empty:
            continue
        others = near[near["code"].isin(with_contract)]
        ended_label = item_label(item["code"], item["item"])
        text = (f"{ended_label}的合同服务期至{date_text(c['end'])}，此后未见续签；"
                f"{join(item_label(r.code, r.item) for r in new.itertuples())}名称相近，数据中无合同记录")
        if len(others):
            text += f"；{join(item_label(r.code, r.item) for r in others.itertuples())}名称亦相近，已有合同"
        text += (f"。{join(new['code'])}是否接续{item['code']}、{len(new) + len(others) + 1}个项目的服务范围是否重叠，"
                 "数据不足以判断，需评价组核实。")
        codes = [item["code"], *new["code"], *others["code"]]
        found.append(SUCCESSION_QUESTIONS.finding(
            title="相近运维项目的接续与分工待核实", severity=LOW, limitation=True,
            figures={"ended": str(item["code"]), "items": len(codes)},
            rows=evidence_rows(("contracts", contracts.loc[[c.name]]), ("budget", budget_rows(budget, codes))),
            summary=text,
            recommendation="评价组调阅相关项目的合同、验收和支付资料，确认各项目的服务范围和起止时间；确有重复的，按同类运维项目合并实施。",
        ))
    return numbered(found)


def _item_budget(budget: pd.DataFrame, key: str) -> Decimal | None:
    match = budget[budget["code"].eq(key) | budget["item"].eq(key)]
    return None if match.empty or is_missing(match["budget"].iloc[0]) else Decimal(match["budget"].iloc[0])


# --- 5. renewals without competition -----------------------------------------------------------


RENEWALS_WITHOUT_COMPETITION = Rule(
    "F05", DECISION, bears_on=("政府采购及合同管理规范性", "制度执行有效性"),
    read=lambda e: renewals_without_competition(e.chains, e.renewals, e.data.contracts, e.data.year))


def renewals_without_competition(chains: pd.DataFrame, summary: pd.DataFrame, contracts: pd.DataFrame,
                                 year: int) -> list[Finding]:
    """Contract chains renewed without competition, or long since their last tender (F05).

    A chain is stale when it has run :data:`STALE_YEARS` budget years or more since its last
    competitive procurement (or, with none on record, since its first contract): one finding
    each, 高 from :data:`LONG_YEARS`. Chains renewed without competition more recently are
    grouped into one 低 finding. Money since is the current annual cost × the same years: an
    estimate (推算), made only where the renewal summary makes one.

    Args:
        chains, summary: :func:`~qdanalysis.analyse.renewals.renewal_chains` of ``contracts`` and
            its :func:`~qdanalysis.analyse.renewals.renewal_summary` for ``year``.
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
    return numbered(found)


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


def _first_contract(s, links: pd.DataFrame) -> pd.Series:
    at = links[links["signed"] == s.reference]
    return at.iloc[0] if len(at) else links.iloc[0]


def _reference_text(s, links: pd.DataFrame, contracts: pd.DataFrame) -> str:
    """Where the years are counted from, as the records say it: the last tender; else a first contract that
    is itself a renewal (the arrangement is older); else the first contract and how it was procured."""
    if s.competition_on_record:
        ref = links[(links["signed"] == s.reference) & links["competitive"]].iloc[-1]
        return f"{_signed_text(ref['contract_id'], contracts)}{ref['procurement']}，此后未见竞争性采购记录"
    first = _first_contract(s, links)
    when = _signed_text(first["contract_id"], contracts)
    if _is_renewal(first["procurement"]):
        return f"最早记录为{when}的{first['procurement']}合同，此前已有同类安排，数据中无竞争性采购记录"
    how = f"采购方式为{first['procurement']}" if not is_missing(first["procurement"]) else "采购方式未披露"
    return f"最早记录为{when}的合同（{how}），此后未见采购记录"


def _span_text(s, links: pd.DataFrame, year: int) -> str:
    """``2014—2020年，至少7年`` where the first contract is itself a renewal, else ``共4个年度``."""
    years = int(s.years)
    older = not s.competition_on_record and _is_renewal(_first_contract(s, links)["procurement"])
    return f"{s.reference.year}—{year}年，{'至少' + str(years) + '年' if older else f'共{years}个年度'}"


def _growth_text(links: pd.DataFrame) -> str:
    if len(links) < 2:
        return ""
    parts = []
    for _, link in links.iloc[1:].iterrows():
        when = f"{link['signed'].year}年续签" if not pd.isna(link["signed"]) else "续签"
        change = "金额未披露" if pd.isna(link["growth"]) else f"增幅{pct(link['growth'])}"
        parts.append(f"{when}{change}")
    return "；".join(parts)


def _stale_title(s, links: pd.DataFrame, year: int) -> str:
    """A title the chain's records support: the year of the record the years count from, and what it was."""
    years, since = int(s.years), s.reference.year
    if s.competition_on_record:
        return f"{since}年竞争性采购后，{year}年仍未重新采购"
    first = _first_contract(s, links)
    if _is_renewal(first["procurement"]):
        return f"{since}年{first['procurement']}合同延续至{year}年，至少{years}年未见竞争性采购"
    return f"{since}年以来未见新的采购记录"


def _stale_finding(s, links: pd.DataFrame, contracts: pd.DataFrame, year: int) -> Finding:
    """One chain counted from its reference: what the records say, the current yearly cost, the renewals.

    The cost since the reference (``spent_since``, 推算 at today's price) stays in the renewal table:
    it says nothing about the year.
    """
    last = links.iloc[-1]
    code = contracts.loc[last["contract_id"], "item_code"]
    who = item_label(code, s.item) + (f"（{s.vendor}）" if not is_missing(s.vendor) else "")
    annual = None if pd.isna(s.last_cost) else Decimal(s.last_cost)
    years = int(s.years)
    text = f"{who}：{_reference_text(s, links, contracts)}（{_span_text(s, links, year)}）"
    if annual is None:
        text += "；年度金额未披露"
    else:
        basis = "（月费×12）" if last.get("billing") == "月" else ""
        text += f"；现行年度金额{wan(annual)}{basis}"
    growth = _growth_text(links)
    text += (f"；{growth}" if growth else "") + "。"
    return RENEWALS_WITHOUT_COMPETITION.finding(
        title=_stale_title(s, links, year), severity=HIGH if years >= LONG_YEARS else MEDIUM,
        figures={"years": years, "annual_cost": annual,
                 "renewals": int(s.renewals), "cagr": None if pd.isna(s.cagr) else float(s.cagr)},
        rows=evidence_rows(("contracts", _chain_rows(links, contracts))), summary=text,
        recommendation=("项目单位在下一合同期前开展市场询价和绩效评估，按规定组织竞争性采购，"
                        "依据评估结果和同类服务市场价格确定合同金额。"),
    )


def _first_procurement_text(s, links: pd.DataFrame, contracts: pd.DataFrame) -> str:
    """``2019年9月公开招标``; ``2019年8月10日采购（采购方式未披露）``."""
    first = _first_contract(s, links)
    when = _signed_text(first["contract_id"], contracts)
    return f"{when}{first['procurement']}" if not is_missing(first["procurement"]) else f"{when}采购（采购方式未披露）"


def _recent_renewals_finding(recent: list, contracts: pd.DataFrame, year: int) -> Finding:
    """Chains renewed within :data:`STALE_YEARS` of their first contract: not long-running, but the
    records do not show what each renewal costs (or show its growth)."""
    parts, rows, known = [], [], []
    undisclosed = 0
    for s, links in recent:
        last = links.iloc[-1]
        code = contracts.loc[last["contract_id"], "item_code"]
        when = f"{last['signed'].year}年" if not pd.isna(last["signed"]) else ""
        if pd.isna(last["annual_cost"]):
            undisclosed += 1
            amount = "续签金额未披露"
        else:
            amount = f"续签年度金额{wan(last['annual_cost'])}"
            if not pd.isna(last["growth"]):
                amount += f"，增幅{pct(last['growth'])}"
        renewed = f"{when}续签1次" if s.renewals == 1 else f"续签{s.renewals}次（最近一次{when}）"
        parts.append(f"{item_label(code, s.item)}：{_first_procurement_text(s, links, contracts)}，{renewed}，{amount}")
        rows.append(_chain_rows(links, contracts))
        if not pd.isna(s.last_cost):
            known.append(Decimal(s.last_cost))
    text = "；".join(parts)
    return RENEWALS_WITHOUT_COMPETITION.finding(
        title="合同续签金额未披露" if undisclosed else "合同续签未重新采购", severity=LOW,
        figures={"chains": len(recent), "renewals_undisclosed": undisclosed, "annual_cost_known": sum_known(known)},
        rows=evidence_rows(*(("contracts", r) for r in rows)), summary=text + "。",
        recommendation=("项目单位在续签前对上一年度实施情况进行绩效评估，据此确定续签金额，"
                        "并在合同台账中登记续签金额、日期和采购方式。"),
    )


# --- 6. the same service at very different prices ----------------------------------------------


PRICE_DISPARITY = Rule("F06", PROCESS, bears_on=("政府采购及合同管理规范性",), shrinks=("ratio", "同带宽价格倍数"),
                       read=lambda e: unit_price_disparity(e.prices, e.data.lines))


def unit_price_disparity(prices: pd.DataFrame, lines: pd.DataFrame) -> list[Finding]:
    """The same line type and bandwidth bought at prices :data:`DISPARITY_RATIO` or more apart (F06).

    The annual excess is (fee − cheapest fee) × 12 × the number of such lines.

    Args:
        prices: :func:`~qdanalysis.analyse.network_lines.same_bandwidth_prices` of ``lines``.
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
        text = (f"同为{service}，{top['carrier']}{unit_price_text(top['monthly_fee'], '月')}，"
                f"{cheap['carrier']}{unit_price_text(cheapest, '月')}，前者是后者的{times(ratio)}。"
                "两条线路的服务等级（如保障等级、独享或共享）是否相同有待核实；"
                f"如服务可比，年价差约{wan(excess)}（推算：月租之差×12个月×线路条数）。")
        found.append(PRICE_DISPARITY.finding(
            title="同带宽线路价格差异较大，需核实服务内容及定价依据",
            severity=HIGH if ratio >= DISPARITY_HIGH else MEDIUM,
            figures={"ratio": ratio, "monthly_fee_high": Decimal(top["monthly_fee"]), "monthly_fee_low": cheapest,
                     "annual_excess": excess},
            rows=evidence_rows(("lines", group_lines)), summary=text,
            recommendation=(f"项目单位以同类线路的市场价格为参照，对{top['carrier']}线路重新询价或组织竞争性采购，"
                            "并在续签时写明服务等级和价格依据。"),
        ))
    return numbered(found)


def _bandwidth_text(mbps) -> str:
    return f"{format_number(mbps, 0)}M" if not is_missing(mbps) else ""
