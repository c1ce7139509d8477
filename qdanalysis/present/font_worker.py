"""The report font's subset made in a process of its own, at the same time as the page is rendered.

Subsetting the font (fontTools, pure Python) and rendering the page (nbconvert, pure Python) each take about half
a second after a run's kernel is done; in one process they can only take turns. A :class:`FontWorker` is a child
process started while the kernel executes: it imports fontTools and opens and parses the font then
(:func:`~qdanalysis.present.webfont.load_font`), and waits. Once the kernel is done, the export predicts the page's
characters from the notebook (:func:`qdanalysis.present.html_export.page_characters`) and hands them to the worker,
which subsets while the page is rendered. The worker's subset is used only when the rendered page has exactly
the predicted characters; otherwise the page's own characters are subset as without a worker, so the page is the
same either way.

Run as ``python -m qdanalysis.present.font_worker``: it reads the characters (UTF-8) on standard input to its
end and writes the WOFF on standard output.
"""

from __future__ import annotations

import subprocess
import sys

from qdanalysis.errors import QdanalysisError

#: Seconds to wait for the worker's subset once asked (it takes about half a second on an idle machine).
RESULT_TIMEOUT = 300.0


class FontWorkerError(QdanalysisError):
    """The font worker failed or did not answer in time (the caller subsets in its own process instead)."""


class FontWorker:
    """A child process holding the parsed font, which subsets it once to the characters it is given."""

    def __init__(self) -> None:
        # The same interpreter and environment as the run (as its kernel): the same code and font.
        self._process = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._asked: str | None = None
        self._ended = False

    def ask(self, characters: str) -> None:
        """Start the subset to ``characters`` (once); :meth:`result` gives it."""
        if self._asked is not None:
            raise FontWorkerError("字体子集进程只能使用一次")
        self._asked = characters
        stdin, self._process.stdin = self._process.stdin, None  # closed here: communicate() must not flush it
        try:
            stdin.write(characters.encode("utf-8"))
            stdin.close()
        except OSError:  # the worker is gone already: result() says why
            pass

    @property
    def asked(self) -> str | None:
        """The characters the worker was asked for (None: not asked yet)."""
        return self._asked

    def subset(self, characters: str) -> bytes:
        """The WOFF subset to ``characters``: this worker's when it was asked for exactly these and did not fail,
        else made here (the same bytes)."""
        if self._asked == characters:
            try:
                return self.result()
            except FontWorkerError:
                pass
        from qdanalysis.present.webfont import subset_woff

        return subset_woff(characters)

    def result(self, timeout: float = RESULT_TIMEOUT) -> bytes:
        """The WOFF subset to the characters asked for.

        Raises:
            FontWorkerError: the worker failed, or did not answer within ``timeout`` seconds (it is stopped).
        """
        if self._asked is None:
            raise FontWorkerError("字体子集进程尚未收到字符")
        if self._ended:
            raise FontWorkerError("字体子集进程已结束")
        try:
            out, err = self._process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise FontWorkerError(f"字体子集进程 {timeout:.0f} 秒内未完成") from None
        self._ended = True
        if self._process.returncode != 0 or not out.startswith(b"wOFF"):
            reason = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"退出码 {self._process.returncode}"]
            raise FontWorkerError(f"字体子集进程失败：{reason[0]}")
        return out

    def stop(self) -> None:
        """End the worker if it still runs (its subset is not needed); a second call does nothing."""
        if self._ended:
            return
        self._ended = True
        if self._process.poll() is None:
            self._process.kill()
        self._process.communicate()


def main() -> int:
    from qdanalysis.present.webfont import load_font, subset_woff

    loaded = load_font()
    characters = sys.stdin.buffer.read().decode("utf-8")
    if not characters:  # not needed after all (the page's subset was in the cache)
        loaded.close()
        return 0
    sys.stdout.buffer.write(subset_woff(characters, loaded=loaded))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
