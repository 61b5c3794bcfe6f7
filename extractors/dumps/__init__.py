"""Archive dumps: streaming readers, a raw-line prefilter, and the CSV row normalizer."""

from extractors.dumps.csv_rows import CsvMapping
from extractors.dumps.prefilter import LinePrefilter, anchors
from extractors.dumps.reader import FORMATS, DumpFormatError, detect_format, lines, open_dump

__all__ = ["FORMATS", "CsvMapping", "DumpFormatError", "LinePrefilter", "anchors", "detect_format", "lines", "open_dump"]
