"""Printing the HTML report to PDF with Chromium, offline: finding the program, and what a failure says.

Chromium itself prints in tests/integration/test_report_html.py; here a stand-in program plays its part.
"""

from __future__ import annotations

import stat

import pytest

from qdanalysis.present import pdf


def fake_chromium(tmp_path, script: str):
    path = tmp_path / "bin" / "chromium"
    path.parent.mkdir(exist_ok=True)
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_chromium_is_found_on_the_path_under_any_of_its_names(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert pdf.find_chromium() is None
    found = fake_chromium(tmp_path, "exit 0\n")
    assert pdf.find_chromium() == found
    (tmp_path / "bin" / "google-chrome").symlink_to(found)
    assert pdf.find_chromium() == found  # chromium comes first


@pytest.mark.slow
def test_the_page_is_printed_offline_to_a_file_written_whole(tmp_path):
    args = tmp_path / "args.txt"
    chromium = fake_chromium(tmp_path, f'printf "%s\\n" "$@" > {args}\n'
                                       'for a in "$@"; do case "$a" in --print-to-pdf=*) '
                                       'printf "%%PDF-1.4" > "${a#--print-to-pdf=}";; esac; done\n')
    html = tmp_path / "report.html"
    html.write_text("<p>报告</p>", encoding="utf-8")
    out = pdf.print_pdf(html, tmp_path / "out" / "report.pdf", chromium)
    assert out.read_bytes() == b"%PDF-1.4"
    given = args.read_text(encoding="utf-8").splitlines()
    assert given[:len(pdf.OFFLINE_FLAGS)] == list(pdf.OFFLINE_FLAGS)
    assert "--proxy-server=127.0.0.1:9" in given and given[-1] == html.resolve().as_uri()


@pytest.mark.parametrize("script, detail", [("echo 'it broke' >&2\nexit 3\n", "退出码 3：it broke"),
                                            ("exit 0\n", "退出码 0：")])
@pytest.mark.slow
def test_a_failed_print_is_an_error_naming_the_report_and_leaves_no_pdf(tmp_path, script, detail):
    html = tmp_path / "report.html"
    html.write_text("<p>报告</p>", encoding="utf-8")
    with pytest.raises(pdf.PdfError) as err:
        pdf.print_pdf(html, tmp_path / "report.pdf", fake_chromium(tmp_path, script))
    assert err.value.detail == detail and err.value.html == str(html.resolve())
    assert str(err.value).endswith(f"：Chromium 未能生成 PDF（{detail}）；HTML 报告不受影响")
    assert not (tmp_path / "report.pdf").exists()


@pytest.mark.slow
def test_a_chromium_that_hangs_is_stopped_at_the_time_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "TIMEOUT_SECONDS", 1)
    html = tmp_path / "report.html"
    html.write_text("<p>报告</p>", encoding="utf-8")
    with pytest.raises(pdf.PdfError, match="超过 1 秒未完成"):
        pdf.print_pdf(html, tmp_path / "report.pdf", fake_chromium(tmp_path, "sleep 30\n"))
