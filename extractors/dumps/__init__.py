"""Archive dumps: streaming readers, a text prefilter, and the CSV row normalizer."""

from extractors.dumps.csv_rows import CsvMapping
from extractors.dumps.prefilter import TextPrefilter
from extractors.dumps.reader import FORMATS, DumpFormatError, detect_format, lines, open_dump

__all__ = ["FORMATS", "CsvMapping", "DumpFormatError", "TextPrefilter", "detect_format", "lines", "open_dump"]
