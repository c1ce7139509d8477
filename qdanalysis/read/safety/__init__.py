"""The checks every workbook passes before a reader opens it.

A file is refused, with a Chinese message naming the fix, when it is not a workbook or could
exhaust memory or abort the process inside a reader: zip bombs, XML entity declarations, forged
counts, absurd sheet extents, cells a reader would misread. Every part is streamed; no sheet is
built in memory. :mod:`qdanalysis.read.xlsx` reads a file only after these checks.

The modules, in the order a file meets them:

* ``container``: the path, the file type, the zip's central directory (:func:`inspect_container`).
* ``structure``: every XML part: entities, encoding, root element, and the workbook's totals.
* ``worksheet``, ``strings``: the streaming scans of worksheets and of the shared strings.
* ``replay``: calamine's cell positioning replayed exactly, and :func:`audit_cells` before the fallback reader.
* ``biff``: the same checks for an Excel 97-2003 (.xls) or WPS .et workbook (:func:`inspect_xls`).
* ``inspector`` (the file under check, what the checks learn, the refusals), ``limits``, ``refs``
  (A1 references), ``markup`` (raw XML bytes), ``zipread`` (a zip's parts; a large one is decompressed
  by a helper thread a piece ahead of its scan, which still ends before any reader starts), ``filetype``
  (what a file that is not a workbook looks like).
"""

from qdanalysis.read.safety.biff import inspect_xls
from qdanalysis.read.safety.container import inspect_container
from qdanalysis.read.safety.inspector import NOT_A_NUMBER, UNCACHED_FORMULA, Archive, Inspector, SheetScan
from qdanalysis.read.safety.refs import column_letter
from qdanalysis.read.safety.replay import audit_cells

__all__ = ["NOT_A_NUMBER", "UNCACHED_FORMULA", "Archive", "Inspector", "SheetScan", "audit_cells", "column_letter",
           "inspect_container", "inspect_xls"]
