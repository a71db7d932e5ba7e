"""PDF pages with an odd geometry (MediaBox not at the origin, a CropBox, /Rotate), written
byte by byte: fpdf2 always puts the MediaBox at (0, 0)."""

from __future__ import annotations

from pathlib import Path


def odd_page_pdf(
    path: Path,
    *,
    mediabox: tuple[float, float, float, float],
    content: str,
    cropbox: tuple[float, float, float, float] | None = None,
    rotate: int = 0,
) -> Path:
    """A one-page PDF with ``content`` (PDF operators, Helvetica as /F1) on that page."""
    boxes = "/MediaBox [{} {} {} {}]".format(*mediabox)
    if cropbox:
        boxes += " /CropBox [{} {} {} {}]".format(*cropbox)
    stream = content.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R {boxes} /Rotate {rotate} "
            "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def sector_rows(x0: float, y_top: float, count: int = 8, step: float = 14) -> str:
    """``count`` lines 'Sector N', each ``step`` points below the last and 60 points further
    right, so a box off by a line lands on blank paper, not on a neighbour's text."""
    lines = []
    for n in range(count):
        lines.append(f"BT /F1 10 Tf {x0 + 60 * n} {y_top - step * n} Td (Sector {n + 1}) Tj ET")
    return "\n".join(lines)


def filled_rect(x: float, y: float, w: float, h: float) -> str:
    return f"0 0 0 rg {x} {y} {w} {h} re f"
