"""Print an HTML report to an A4 PDF with the system's Chromium, headless and offline.

The page size, margins and page numbers come from the report's own ``@page`` rule (see the
``qdanalysis_offline`` template); Chromium's date, title and URL lines are turned off. The
browser runs with every network request sent to a dead proxy and every host name
unresolvable, a profile of its own in a temporary folder, and nothing is downloaded: where no
Chromium is installed, :func:`find_chromium` returns None and the caller says so.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from qdanalysis.atomic import atomic_path
from qdanalysis.errors import QdanalysisError, display_path

#: Program names tried on PATH, in order (Debian, Ubuntu, Google's packages).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 120
NO_CHROMIUM = ("未找到 Chromium 浏览器（chromium），未生成 PDF；HTML 报告已生成，可在浏览器中打开后打印。"
               "如需 PDF，请先安装 Chromium（如 apt-get install chromium）")

OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",  # containers and CI run as root, where the sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


class PdfError(QdanalysisError):
    """Chromium did not print the report.

    Attributes:
        html: the report that was being printed.
        detail: what went wrong (the end of Chromium's own output, or the time limit).
    """

    def __init__(self, html: str | Path, detail: str):
        self.html = str(html)
        self.detail = detail
        super().__init__(f"{display_path(html)}：Chromium 未能生成 PDF（{detail}）；HTML 报告不受影响")


def find_chromium() -> Path | None:
    """The Chromium (or Chrome) program on PATH, or None when there is none."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def print_pdf(html_path: str | Path, pdf_path: str | Path, chromium: str | Path) -> Path:
    """Print ``html_path`` to ``pdf_path`` (written atomically) with ``chromium``, offline.

    Raises:
        PdfError: Chromium failed, took longer than :data:`TIMEOUT_SECONDS`, or wrote no PDF.
    """
    html_path = Path(html_path).resolve()
    pdf_path = Path(pdf_path)
    with tempfile.TemporaryDirectory(prefix="qd-chromium-") as tmp, atomic_path(pdf_path) as out:
        workdir = Path(tmp)
        command = [str(chromium), *OFFLINE_FLAGS, f"--user-data-dir={workdir / 'profile'}",
                   "--no-pdf-header-footer", f"--print-to-pdf={out.resolve()}", html_path.as_uri()]
        # HOME in the temporary folder: Chromium writes its caches and crash reports under it.
        env = {**os.environ, "HOME": str(workdir)}
        out.unlink()  # Chromium reports success by the file it writes
        # A session of its own, so a hung Chromium and its helper processes stop together.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                   start_new_session=True)
        try:
            _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfError(html_path, f"超过 {TIMEOUT_SECONDS} 秒未完成") from None
        if process.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise PdfError(html_path, f"退出码 {process.returncode}：{tail[0][-300:]}")
    return pdf_path
