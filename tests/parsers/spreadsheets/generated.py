"""Workbooks generated in the shapes agencies publish (never copies of real files)."""

from __future__ import annotations

from pathlib import Path

import openpyxl


def detention_workbook(path: Path, year: int, extra_column: bool = False) -> Path:
    """A facilities workbook as agencies publish them: title block, a merged group-title
    row over the column names, a blank spacer column, totals, a Source line."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = f"FY{year} Facilities"
    ws["A1"] = "Detention Statistics"
    ws["A2"] = f"Fiscal Year {year}"
    ws.merge_cells("A1:H1")
    ws["A4"] = "Facility Information"
    ws.merge_cells("A4:C4")
    ws["E4"] = "Average Daily Population"
    ws.merge_cells("E4:G4" if not extra_column else "E4:H4")
    header = ["Name", "State", "ZIP", None, "Level A", "Level B", "Total"]
    if extra_column:
        header.append("Female")
    ws.append(header)
    facilities = [
        ["Adelanto", "CA", "02345", None, 1200 + year, 300, 1500 + year],
        ["Otero", "NM", "88081", None, 450, 120, 570],
        ["Port Isabel", "TX", "78566", None, 800, 210, 1010],
    ]
    for row in facilities:
        ws.append(row + ([17] if extra_column else []))
    ws.append(
        ["Total", None, None, None, 2450 + year, 630, 3080 + year] + ([51] if extra_column else [])
    )
    ws.append([])
    ws.append(["Source: ICE Enforcement and Removal Operations, facility list."])
    book.save(path)
    return path
