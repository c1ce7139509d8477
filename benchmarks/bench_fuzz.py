"""Section ``fuzz`` of ``benchmarks/run.py``: the reader under mutation (``benchmarks/fuzz.py``'s campaign over
``tests/mutants.py``), counted per family and outcome.
"""

from __future__ import annotations

from pathlib import Path

from bench_common import heading, row
from measure import verdict

# --------------------------------------------------------------------------- fuzz


def bench_fuzz(args, tmp: Path) -> dict:
    import fuzz
    import mutants

    per_base = args.mutants or (4 if args.quick else 30)
    heading(f"8. Fuzz: {per_base} mutant(s) per family and base, {len(mutants.FAMILIES)} families, 3 bases")
    result = fuzz.campaign(tmp, per_base)
    counts = result["counts"]
    # refused | accepted, same figures | accepted, changed as the mutation intended | figures changed without
    # intent (different), and the other defects; the column of silent changes must read 0
    columns = ["refused (located)", "refused (file)", "identical", "changed (intended)", *mutants.DEFECTS,
               "not applicable"]
    short = {"refused (located)": "refused:cell", "refused (file)": "refused:file", "identical": "same figures",
             "changed (intended)": "intended", "different": "UNINTENDED", "not applicable": "n/a"}
    names = [short.get(c, c) for c in columns]
    print("  " + f"{'family':<22}" + "".join(f"{n:>13}" for n in names))
    for family in mutants.FAMILIES:
        print("  " + f"{family:<22}" + "".join(f"{counts.get((family, c), 0):>13}" for c in columns), flush=True)
    totals = {c: sum(v for (_, o), v in counts.items() if o == c) for c in columns}
    print("  " + f"{'all families':<22}" + "".join(f"{totals[c]:>13}" for c in columns))
    judged = result["mutants"] - totals["not applicable"]
    defects = sum(totals[c] for c in mutants.DEFECTS)
    row(f"{judged} mutants judged in {result['seconds']:.0f} s (worker peak {result['peak_mb']} MB)",
        f"figures changed without intent: {totals['different']}, defects: {defects}   {verdict(defects == 0)}")
    for d in result["defects"][:20]:
        print(f"  DEFECT {d['family']} / {d['base']} / {d['what']}: {d['outcome']} {d.get('detail', '')}")
    return {"per_base": per_base, "judged": judged, "defects": defects, "seconds": result["seconds"],
            "counts": {f"{f} / {o}": n for (f, o), n in sorted(counts.items())}}
