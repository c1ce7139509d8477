"""``qdanalysis draft``: the Word draft of a year, its figures' process forked before the pipeline is loaded.

The command's time is the year's reading and analysis in this process, then the figures, drawn by the process of
:mod:`qdanalysis.present.figure_server` (which first loads matplotlib and seaborn, on the other core). That process
is forked here, first, once the modules both processes need are loaded (:data:`~qdanalysis.present.figure_server.PRELOADED`)
and before those only this process needs (the analysis, the pipeline, the parameter files, python-docx): it loads the
plotting libraries while this process loads the rest and reads the year. It is given the charts as soon as the
analysis frames they show exist, and draws them while this process computes the rest (checks, findings, score) and
writes the text.
The draft itself is :func:`~qdanalysis.run.pipeline.draft_year`'s; the command then ends at once
(:func:`~qdanalysis.run.quick_exit.leave`).

While it runs, Python's garbage collector looks at the youngest objects every :data:`YOUNG_COLLECTION` new ones
instead of every 700 (:func:`fewer_collections`): the command makes hundreds of thousands of objects that live until
it ends (modules, the year's tables, matplotlib's artists in the figures' processes, which inherit the setting): some
340 collections took 0.07-0.09 s of this process's CPU alone. Garbage in cycles is still collected, less often.
Measured over the draft's three processes: 0.1-0.15 s less CPU, the same peak memory (162 MB).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

from qdanalysis.errors import display_path
from qdanalysis.present.figure_server import figure_server
from qdanalysis.run.quick_exit import leave

#: New objects between two collections of the youngest generation while a draft is made (Python's default: 700).
YOUNG_COLLECTION = 50_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """The garbage collector's first threshold at :data:`YOUNG_COLLECTION` within the block (see the module's
    text), as it was after it."""
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def draft(args: Any, scoring: Callable[[Any], str | Path]) -> int:
    """Write the draft the command line asks for (``args``: its options; ``scoring``: the ``--scoring`` option as
    the pipeline takes it), say where it is and the score, and end the command: 0."""
    with fewer_collections():
        with figure_server() as figures:
            from qdanalysis.present.summary import score_line
            from qdanalysis.run.pipeline import draft_year

            root = args.root.resolve() if args.root else None
            out = args.out.resolve() if args.out else None
            template = args.template.resolve() if args.template else None
            path, analysis = draft_year(args.year, root, out, scoring=scoring(args), template=template,
                                        force=args.force, figures=figures,
                                        on_backup=lambda b: print(f"原初稿已被修改，已先另存为：{display_path(b)}"))
        print(f"已生成报告初稿：{display_path(path)}")
        print(score_line(analysis))
        # the command ends here, without freeing the year's data object by object, and before the collector's
        # threshold is put back: the young objects made meanwhile (some 40,000) would be collected at once, 0.013 s
        return leave(0)
