"""Raw XML read without a parser: a string's length as Excel counts it, XML quoted in a message."""

from __future__ import annotations

from qdanalysis.read.safety import markup


def test_a_strings_length_counts_characters_not_markup_or_phonetic_runs():
    assert markup.text_length("<si><t>预算执行</t></si>".encode()) == 4
    assert markup.text_length(b"<si><r><t>ab</t></r><r><t>c</t></r></si>") == 3
    assert markup.text_length("<si><t>青岛</t><rPh sb=\"0\" eb=\"2\"><t>チンタオ</t></rPh></si>".encode()) == 2
    assert markup.text_length(b"<si><t>a&amp;b&#20013;</t></si>") == 4  # an entity is one character
    assert markup.text_length(b"<si><t><![CDATA[<x>]]></t></si>") == 3


def test_xml_is_quoted_decoded_shortened_and_with_controls_made_visible():
    assert markup.shown_bytes(b"a&lt;b&gt;") == "a<b>"
    assert markup.shown_bytes(("预" * 50).encode()) == "预" * 40 + "…"
    assert markup.shown_bytes(b"a\x07b", limit=10) == "a\ufffdb"


def test_the_attribute_patterns_read_quoted_values_either_way():
    assert markup.ATTR_R.search(b' r="B4" t=\'s\'').group(2) == b"B4"
    assert markup.ATTR_T.search(b' r="B4" t=\'s\'').group(2) == b"s"
    assert markup.ATTR_T.search(b' tr="x"') is None


def test_nesting_depth_counts_open_elements_not_empty_ones():
    assert markup.nesting_depth(b"<si><t>x</t></si>") == 2
    assert markup.nesting_depth(b"<r><rPr><b/><sz val='11'/></rPr><t>x</t></r>") == 2
    assert markup.nesting_depth(b"<r>" * 1000 + b"</r>" * 1000) == 1000
    assert markup.nesting_depth(b"</r></r><r>") == 1  # a piece cut anywhere counts from zero
