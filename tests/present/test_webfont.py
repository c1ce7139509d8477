"""The report's Chinese font, subset to the characters of a page and embedded as WOFF."""

from __future__ import annotations

import base64
import io
import re

import pytest
from fontTools.ttLib import TTFont

from qdanalysis.present import webfont


def test_the_font_is_the_one_zhplot_ships():
    path = webfont.cjk_font_path()
    assert path.name == "NotoSansSC-Regular.ttf" and path.parent.name == "fonts" and path.stat().st_size > 1_000_000


def test_the_characters_of_a_page_are_its_text_outside_ascii_plus_printable_ascii():
    chars = webfont.characters_of('<p title="x">预算&amp;执行 &#26376;</p><img src="data:...">', extra="★")
    assert set("预算执行月★") <= set(chars) and set(webfont.ASCII) <= set(chars)
    assert "\n" not in chars and chars == "".join(sorted(chars))


@pytest.mark.slow
def test_the_subset_holds_the_pages_characters_and_its_licence():
    font = TTFont(io.BytesIO(webfont.subset_woff("预算ab")))
    assert font.flavor == "woff"
    cmap = font.getBestCmap()
    assert {ord("预"), ord("算"), ord("a")} <= set(cmap) and ord("执") not in cmap
    assert any("Open Font License" in str(record) for record in font["name"].names)


@pytest.mark.slow
def test_the_font_face_rule_declares_the_family_from_a_data_uri():
    css = webfont.font_face_css("<p>数据</p>")
    assert css.startswith('@font-face { font-family: "Noto Sans SC"; font-style: normal; font-weight: 400;')
    data = re.search(r"base64,([A-Za-z0-9+/=]+)\) format\(\"woff\"\)", css).group(1)
    assert base64.b64decode(data)[:4] == b"wOFF"


@pytest.mark.slow
def test_a_font_loaded_beforehand_gives_the_same_subset_bytes_as_one_opened_by_the_subsetter():
    # 2020's page characters are many more; these cover CJK, full-width punctuation, digits and Latin
    characters = webfont.characters_of("<p>青岛市大数据局专项业务费（941万元）绩效评价：决策、过程、产出、效益。</p>")
    loaded = webfont.load_font()
    assert "GSUB" in loaded.tables and "glyf" in loaded.tables  # parsed before the subset, not by it
    assert webfont.subset_woff(characters, loaded=loaded) == webfont.subset_woff(characters)
    assert loaded.reader is None  # used up and closed: a loaded font serves one subset
