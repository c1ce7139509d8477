"""The report's charts: one module per report section, plus :mod:`~qdanalysis.present.charts.base`.

Every chart is a function: analysis frames in, a finished Figure out. Each is pure (no file I/O, inputs
untouched), takes a frame or dict from the analyses of :mod:`qdanalysis.analyse` (``spending``, ``network_lines``,
``sms_costs``, ``renewals``, ``indicator_status``; or :mod:`qdanalysis.analyse.trends`), draws through :mod:`qdanalysis.present.style` and returns the figure after
:func:`qdanalysis.present.style.finish`. Money arrives in 元 and is drawn in 万元. A value the data does
not disclose is drawn as a hatched 未披露 bar, never as zero; when a chart has nothing disclosed at all
it shows a 未披露 panel that says what is missing.
"""
