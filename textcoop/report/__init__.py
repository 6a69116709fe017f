"""The report: one self-contained HTML file with charts (also written as SVG and PNG).

``build_report(store, out, surveys=[...], lang="ru")`` collects tables from
the store, the coded surveys and (when present) ``textcoop.gaps`` and
``textcoop.topics``, and writes the page; ``render(data, out)`` writes it
from tables collected or built by hand.
"""

from textcoop.report.build import ReportResult, build_report, render
from textcoop.report.data import ReportData, collect

__all__ = ["ReportData", "ReportResult", "build_report", "collect", "render"]
