"""An illustrative multi-year data set (示例数据), generated from code with a fixed seed.

The shipped data has one real year (2020), taken from the evaluation report. Trend charts
and the renewal analysis need several years, so :func:`~qdanalysis.demo.generate.generate_demo`
writes a made-up 2018-2022 series in exactly the input format the loaders read, plausible
against the 2020 facts. Every figure is invented: every sheet's title starts with 【示例数据】,
every row's 来源 says so, and each year folder holds a ``DEMO`` marker file, so that the report
can label every chart and table built from it (``qdanalysis.read.year.is_demo_folder``).

Generation is deterministic: one :class:`random.Random` seeded once and drawn in a fixed
order; workbook timestamps and zip entry times are fixed, so the same seed gives
byte-identical files. Nothing is ever written under ``data/raw/``.

The demo sits beside the flow of data: it may import ``read/`` (the sheets' headers) and the
core, never ``analyse/``, ``present/`` or ``run/`` (``tests/test_layout.py``), so the data
cannot depend on the code that analyses it. Modules:

- ``programme``: the made-up programme, its prices and ranges, a project's :class:`DemoProfile`;
- ``contracts``: the contracts and how they are renewed and re-tendered;
- ``year``: one year's tables and how the years follow each other (:func:`build_demo`, pure);
- ``workbook``: a year's tables as an .xlsx workbook;
- ``generate``: the data set on disk (:func:`generate_demo`);
- ``portfolio``: several made-up projects and their ``portfolio.yaml`` (:func:`generate_portfolio`).
"""
