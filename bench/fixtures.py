"""The template fixtures the speed benches time: parser name -> fixture it is tested on.

Imports nothing of the project, so ``bench_speed.py --baseline`` can load another
checkout's parsers after reading it.
"""

TEMPLATE_FIXTURES: dict[str, str] = {
    "ca-warn": "real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf",
    "fbi-nics": "real/pdfplumber/nics-background-checks-2015-11.pdf",
    "mn-major-contributions": "real/tabula-java/schools.pdf",
    "ca-medi-cal-plans": "real/camelot/row_span_1.pdf",
    "ok-able-licenses": "real/camelot/m27.pdf",
    "ice-ddor": "ddor/ddor2017_01-28to02-03.pdf",
}
