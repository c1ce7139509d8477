"""The limits a workbook must stay within before a reader opens it (an .xlsx and an Excel 97-2003 .xls alike).

Legitimate workbooks stay far below every one of them.
"""

MAX_ENTRIES = 10_000  # zip entries
MAX_TOTAL_UNCOMPRESSED = 1 << 30  # 1 GiB declared, all entries together
MAX_ENTRY_UNCOMPRESSED = 512 << 20  # 512 MiB declared, any single entry
RATIO_MIN_SIZE = 1 << 20  # the ratio limit applies to entries above 1 MiB ...
MAX_RATIO = 200  # ... whose uncompressed/compressed ratio exceeds this
SIZE_SLACK = 1024  # bytes tolerated beyond a declared size while streaming
XML_HEAD_BYTES = 64 << 10  # the root element must start within this prefix
MAX_UNIQUE_STRINGS = 10_000_000  # sharedStrings uniqueCount, absolute
MIN_BYTES_PER_STRING = 10  # uniqueCount may not exceed part size / this
SST_RATIO_MIN_SIZE = 256 << 10  # sharedStrings above 256 KiB ...
MAX_SST_RATIO = 100  # ... may not compress better than this
MAX_CELL_CHARS = 32_767  # Excel's limit for the text of one cell
MAX_SHEET_CELLS = 16_000_000  # rows x columns of one sheet's grid (from A1)
MAX_WORKBOOK_CELLS = 32_000_000  # the same, summed over the workbook
MAX_SHARED_TEXT_CHARS = 100_000_000  # characters materialised from shared strings
EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384  # the largest sheet Excel makes (XFD1048576)
MAX_RANGE_CELLS = MAX_SHEET_CELLS  # cells of one merged or hyperlink range (openpyxl makes each one)
MAX_RANGES = 100_000  # merged, hyperlink, validation and formatting ranges, all sheets together
MAX_TEXT_DEPTH = 3  # elements nested inside one string item, <si> or <is> (Excel: r > rPr > b)
MAX_XML_DEPTH = 64  # nesting of elements in the workbook's other parts (Excel: under 10)
MAX_STYLE_ELEMENTS = 1_000_000  # XML elements of the stylesheet (Excel keeps at most 64,000 cell formats)
CHUNK = 1 << 20  # streaming read size
MAX_CARRY = 8 << 20  # longest unfinished element carried between chunks
MB = 1 << 20
