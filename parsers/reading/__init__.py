"""Reading PDFs: the bottom layer of ``parsers``, imported by every parser family, importing none.

``document`` opens a PDF and reads its pages' objects (pdfplumber's ``pdf.py``/``page.py``
steps, faster); ``chars`` gives the text steps a page's characters as light dicts (and
makes pdfplumber's dicts of them only when ``page.chars`` is asked for); ``tokens`` is
the reader's content-stream tokenizer; ``paths`` turns a painted path into pdfplumber's
dict of it (pdfminer's ``paint_path`` and pdfplumber's ``process_object`` in one step);
``words`` builds words, text and
text maps (pdfplumber's ``utils/text.py``); ``grid`` and ``cells`` find ruled tables' cells
and their text (pdfplumber's ``table.py``); ``furniture`` opens a document for a parser and
finds running headers and footers; ``pagetext`` gives each page's plain text and whether it
is a scan. Each fast path sits beside the pdfplumber step it must equal
(``tests/parsers/reading/``).
"""
