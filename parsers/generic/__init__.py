"""Generic table extraction for PDFs nobody wrote a template for.

``extract_tables(path)`` returns every table of a PDF, ruled or not, with page, table
index and bounding box (``extract.find_tables`` adds each page's table-like lines for page
accounting, taken as the page is read); ``PARSER`` stores them in the ``extracted_tables``
and ``extracted_rows`` tables.
"""

from parsers.generic.extract import extract_tables
from parsers.generic.model import ExtractedTable, TablePiece
from parsers.generic.parser import PARSER, GenericParser, table_rows

__all__ = [
    "PARSER",
    "ExtractedTable",
    "GenericParser",
    "TablePiece",
    "extract_tables",
    "table_rows",
]
