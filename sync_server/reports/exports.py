"""Report files: CSV (UTF-8 with BOM, so a spreadsheet opens Vietnamese intact), XLSX (openpyxl)
and DOCX (python-docx) in the layout of a Vietnamese administrative report — national motto,
unit, number, place and date, title, body, signature block — for staff to print and sign.
A report is a `Table`: a title, lines saying what it counts and how, headers and rows. No Flask.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@dataclass
class Table:
    title: str
    notes: list[str]  # what is counted, the range, the definition used
    headers: list[str]
    rows: list[list[object]]
    below_target_rows: set[int] = field(default_factory=set)  # row indexes shown marked
    after: list[tuple[str, str]] = field(default_factory=list)  # closing sections: (heading, text)


def _inert(value: object) -> object:
    """Text that a spreadsheet would run as a formula (=, +, -, @ first: CSV injection) is
    written with a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([table.title])
    for note in table.notes:
        writer.writerow([note])
    writer.writerow([])
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if v is None else _inert(v) for v in row])
    for heading, text in table.after:
        writer.writerow([])
        writer.writerow([heading])
        writer.writerow([_inert(text)])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = table.title[:31].replace("/", "-") or "Báo cáo"
    ws.append([table.title])
    ws["A1"].font = Font(bold=True, size=14)
    for note in table.notes:
        ws.append([note])
    ws.append([])
    header_row = ws.max_row + 1
    ws.append(table.headers)
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    grey = PatternFill("solid", start_color="DDDDDD")
    for i, row in enumerate(table.rows):
        ws.append([_inert(v) for v in row])
        if i in table.below_target_rows:
            for cell in ws[ws.max_row]:
                cell.fill = grey
                cell.font = Font(bold=True)
    for col in range(1, len(table.headers) + 1):
        texts = [str(r[col - 1]) for r in table.rows if col - 1 < len(r) and r[col - 1] is not None]
        width = max(len(str(table.headers[col - 1])), *(len(t) for t in texts), 8)
        ws.column_dimensions[get_column_letter(col)].width = min(width + 2, 50)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for heading, text in table.after:
        ws.append([])
        ws.append([heading])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        ws.append([_inert(text)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class Letterhead:
    """The top and bottom of an official report (Nghị định 30/2020/NĐ-CP layout)."""

    superior: str  # the People's Committee above, e.g. "UBND XÃ ĐẠI LÃNH" (may be empty; never a district)
    unit: str  # the legal name, e.g. "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ ĐẠI LÃNH"
    place: str  # the place name in the date line, e.g. "Đại Lãnh"
    number: str  # e.g. "  /BC-TTPVHCC" (filled in by hand when blank)
    day: date
    signer_title: str = "GIÁM ĐỐC"  # the centre's Director (NĐ 118/2025 Điều 10.3.a)
    signer_name: str = ""


def _para(doc, text: str, *, bold: bool = False, italic: bool = False, size: int = 13,
          align=WD_ALIGN_PARAGRAPH.CENTER, space_after: int = 0):
    p = doc.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return p


def _cell_text(cell, text: str, *, bold: bool = False, italic: bool = False, size: int = 13,
               first: bool = True) -> None:
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def to_docx(table: Table, head: Letterhead) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)

    top = doc.add_table(rows=1, cols=2)
    top.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = top.rows[0].cells
    if head.superior:
        _cell_text(left, head.superior.upper(), size=12)
        _cell_text(left, head.unit.upper(), bold=True, size=12, first=False)
    else:
        _cell_text(left, head.unit.upper(), bold=True, size=12)
    _cell_text(left, f"Số: {head.number}", size=13, first=False)
    _cell_text(right, MOTTO[0], bold=True, size=12)
    _cell_text(right, MOTTO[1], bold=True, size=13, first=False)
    _cell_text(right, f"{head.place}, ngày {head.day.day:02d} tháng {head.day.month:02d} năm {head.day.year}",
               italic=True, size=13, first=False)

    _para(doc, "")
    _para(doc, "BÁO CÁO", bold=True, size=14)
    _para(doc, table.title, bold=True, size=14, space_after=6)
    for note in table.notes:
        _para(doc, note, size=13, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=3)

    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.headers, strict=True):
        _cell_text(cell, str(text), bold=True, size=12)
    for i, row in enumerate(table.rows):
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            _cell_text(cell, "" if value is None else str(value), bold=i in table.below_target_rows, size=12)
    for heading, text in table.after:
        _para(doc, heading, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.LEFT, space_after=3)
        for line in (text or "").splitlines() or [""]:
            _para(doc, line, size=13, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=3)

    _para(doc, "")
    sign = doc.add_table(rows=1, cols=2)
    receivers, signer = sign.rows[0].cells
    p = receivers.paragraphs[0]
    run = p.add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in ("- Như trên;", "- Lưu: VT."):
        receivers.add_paragraph().add_run(line).font.size = Pt(11)
    _cell_text(signer, head.signer_title.upper(), bold=True)
    _cell_text(signer, "(Ký, ghi rõ họ tên)", italic=True, first=False)
    for _ in range(3):
        _cell_text(signer, "", first=False)
    _cell_text(signer, head.signer_name, bold=True, first=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
