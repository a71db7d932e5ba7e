"""Spreadsheets (XLSX, XLS, CSV): reading workbooks (``workbooks``) and turning their
sheets into rows (``parser``)."""
