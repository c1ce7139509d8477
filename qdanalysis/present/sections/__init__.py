"""The annual report's sections, one module each; :data:`SECTIONS` gives their order.

The HTML report (notebook 1.0), the Excel export and the Word draft all read this tuple. Adding a
section is one module declaring a :class:`~qdanalysis.present.sections.base.Section` and one line here.
"""

from __future__ import annotations

from qdanalysis.present.sections import (
    budget,
    categories,
    checks,
    economic,
    findings,
    followup,
    header,
    indicators,
    limitations,
    lines,
    overview,
    payments,
    renewals,
    results,
    scoring,
    sms,
)
from qdanalysis.present.sections.base import Section

SECTIONS: tuple[Section, ...] = (
    header.SECTION,
    overview.SECTION,
    budget.SECTION,
    categories.SECTION,
    economic.SECTION,
    lines.SECTION,
    sms.SECTION,
    renewals.SECTION,
    payments.SECTION,
    indicators.SECTION,
    results.SECTION,
    scoring.SECTION,
    findings.SECTION,
    followup.SECTION,
    limitations.SECTION,
    checks.SECTION,
)
