"""One renderer per output format: :mod:`.html` (the report and notebooks), :mod:`.docx` (the Word draft),
:mod:`.xlsx` (the Excel export). Each reads the neutral blocks of :mod:`qdanalysis.present.blocks`; none
parses another's output."""
