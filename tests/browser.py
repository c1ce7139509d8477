"""Headless Chromium for tests: screenshot an HTML file with the network cut off.

Chromium is looked up at ``/usr/bin/chromium`` (CI installs it in ``.ci/run``). The
screenshot runs with every network request sent to a dead proxy and every host name
unresolvable, so a report that needs the internet shows up broken, as it would on the
bureau's intranet.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import tempfile
from pathlib import Path

from qdanalysis.present.pdf import OFFLINE_FLAGS

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_SECONDS = 90

# The flags `run --pdf` prints with: no network, no first-run work, no component downloads.
_OFFLINE_FLAGS = list(OFFLINE_FLAGS)


def chromium_available() -> bool:
    """Whether the Chromium binary used by :func:`screenshot` exists."""
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def _cjk_font_dir() -> Path | None:
    # The test machine may have no Chinese font; the bureau's PCs do (微软雅黑 etc.).
    # Lend Chromium the font that zhplot ships, found without importing zhplot.
    spec = importlib.util.find_spec("zhplot")
    if spec is None or not spec.submodule_search_locations:
        return None
    fonts = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    return fonts if fonts.is_dir() else None


def _fontconfig_file(workdir: Path) -> Path:
    extra = _cjk_font_dir()
    conf = workdir / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        + (f"  <dir>{extra}</dir>\n" if extra else "")
        + f"  <cachedir>{workdir / 'fontcache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def screenshot(html_path: str | Path, png_path: str | Path, width: int = 1200, height: int = 2000) -> Path:
    """Render ``html_path`` in headless Chromium, offline, and save a PNG screenshot.

    Args:
        html_path: the HTML file to open (as a file:// URL).
        png_path: where to write the screenshot.
        width: window width in CSS pixels.
        height: window height in CSS pixels (the screenshot covers only the window).

    Returns:
        ``png_path``.

    Raises:
        FileNotFoundError: Chromium is not installed.
        RuntimeError: Chromium failed, timed out, or wrote no screenshot.
    """
    if not chromium_available():
        raise FileNotFoundError(f"{CHROMIUM} not found; install it with: apt-get install -y chromium")
    html_path = Path(html_path).resolve()
    png_path = Path(png_path).resolve()
    png_path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="qd-chromium-") as tmp:
        workdir = Path(tmp)
        env = {
            **os.environ,
            "HOME": str(workdir),
            "FONTCONFIG_FILE": str(_fontconfig_file(workdir)),
        }
        command = [
            str(CHROMIUM),
            *_OFFLINE_FLAGS,
            f"--user-data-dir={workdir / 'profile'}",
            f"--screenshot={png_path}",
            f"--window-size={width},{height}",
            html_path.as_uri(),
        ]
        # A session of its own, so a hung Chromium and its helpers can be stopped together.
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        try:
            _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise RuntimeError(f"chromium took more than {TIMEOUT_SECONDS} s on {html_path}") from None
    if process.returncode != 0 or not png_path.is_file():
        tail = stderr.decode("utf-8", "replace")[-2000:]
        raise RuntimeError(f"chromium exited with {process.returncode}, no screenshot:\n{tail}")
    return png_path
