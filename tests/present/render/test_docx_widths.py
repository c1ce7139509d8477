"""Column widths of a Word table: as wide as the text where the page allows; else figures keep theirs, text gives way."""

from __future__ import annotations

import pandas as pd
from docx.shared import Mm, Pt

from qdanalysis.present.render.cells import column_kinds
from qdanalysis.present.render.docx_widths import MIN_COLUMN_MM, NUMBER_WIDTH, column_widths

UNIT = Pt(10.5).mm / 2 * 0.98  # one display column of 五号


def test_room_to_spare_is_spread_in_proportion():
    frame = pd.DataFrame({"类别": ["机房"], "金额": ["1.00"]})
    widths = column_widths(frame, width=Mm(156))
    assert abs(sum(widths) - 156) < 1e-9
    # 机房 needs 4 display columns; 1.00 four characters of a figure, each 1.25 wide
    assert abs(widths[0] / widths[1] - (4 * UNIT + 4.4) / (4 * NUMBER_WIDTH * UNIT + 4.4)) < 1e-9


def test_on_a_tight_page_figures_keep_their_width_and_the_long_text_wraps():
    frame = pd.DataFrame({"金额": ["1,234,567.89"], "说明": ["很长的说明文字" * 20]})
    texts = [list(frame[c]) for c in frame.columns]
    widths = column_widths(frame, width=Mm(156), kinds=[column_kinds(t, h) for t, h in zip(texts, frame.columns)])
    assert widths[0] >= 12 * NUMBER_WIDTH * UNIT  # the figure's natural width: never wrapped
    assert abs(sum(widths) - 156) < 1e-6 and widths[1] < 7 * 20 * 2 * UNIT


def test_too_many_text_columns_share_the_page_none_below_the_least():
    frame = pd.DataFrame({f"说明{i}": ["很长的说明文字" * 10] for i in range(9)})
    widths = column_widths(frame, width=Mm(156))
    assert abs(sum(widths) - 156) < 1e-6
    assert min(widths) >= MIN_COLUMN_MM and max(widths) - min(widths) < 1e-6


def test_a_figure_inside_wrapped_text_widens_its_column():
    frame = pd.DataFrame({"a": ["很长的说明文字" * 20], "b": ["实际9201859.92元，未超过上限944.10万元"]})
    widths = column_widths(frame, width=Mm(100))
    assert widths[1] >= len("9201859.92") * NUMBER_WIDTH * UNIT + 4.4 - 1e-9


def test_the_widths_of_a_tables_texts_are_those_of_its_text_frame(analysis2020):
    from qdanalysis.present.blocks import Table
    from qdanalysis.present.render.docx_widths import text_widths
    from qdanalysis.present.report import AnnualReport

    report = AnnualReport(analysis2020)
    tables = [b for s in report.sections for b in report.blocks(s.key) if isinstance(b, Table)]
    assert len(tables) >= 9
    for table in tables:
        columns = table.text_columns()
        assert text_widths(list(columns), list(columns.values())) == column_widths(table.text_frame()), table.key
