"""Report files: CSV (UTF-8 with BOM, so a spreadsheet opens Vietnamese intact) and XLSX
(openpyxl); the DOCX an office signs is sync_server.reports.docx_report.
A report is a `Table`: a title, lines saying what it counts and how, headers and rows. No Flask.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from sync_server.i18n import N_, Msg

SHARE = "Tỷ lệ hài lòng"  # the column a below-target row is marked in
EXCLUDED_NOTE = N_("Không tính các phiếu đã loại khỏi báo cáo.")


def _sheet_name(title: str) -> str:
    """A title cut to a sheet name's 31 characters at a word's end (never "… hài lòn")."""
    return title if len(title) <= 31 else title[:32].rsplit(" ", 1)[0]


def period_note(label: str) -> Msg:
    """The line that says the period, in the reader's language on a page (Vietnamese in files)."""
    return Msg(N_("Thời gian: %(period)s."), period=label)

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


def plain_csv(headers: list[str], rows: list[list[object]]) -> bytes:
    """A machine's CSV: one header line, then the rows (no title or notes), UTF-8 with BOM,
    formula-looking text made inert."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _inert(v) for v in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


_SHARE = re.compile(r"(\d+),(\d) %")  # "76,9 %", as fmt_pct writes a share
_DECIMAL = re.compile(r"(\d+),(\d+)")  # "4,03", as fmt_mean writes a mean


def _number(value: object) -> tuple[object, str | None]:
    """A share or a mean the table holds as Vietnamese text, as a number and its cell format:
    a spreadsheet sorts, sums and charts it. Anything else stays as it is."""
    if isinstance(value, str):
        if m := _SHARE.fullmatch(value):
            return float(f"{m[1]}.{m[2]}") / 100, "0.0%"
        if m := _DECIMAL.fullmatch(value):
            return float(f"{m[1]}.{m[2]}"), "0." + "0" * len(m[2])
    return _inert(value), None


def to_xlsx(table: Table, unit: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\\/*?:\[\]]", "-", _sheet_name(table.title)) or "Báo cáo"
    ws.append([table.title])
    ws["A1"].font = Font(bold=True, size=14)
    if unit:  # the title block says whose report it is; the period is the first note
        ws.append([unit])
    for note in table.notes:
        ws.append([note])
    ws.append([])
    ws.append(table.headers)
    header_row = ws.max_row  # (an empty row appended does not count in max_row)
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    grey = PatternFill("solid", start_color="DDDDDD")
    for i, row in enumerate(table.rows):
        numbers = [_number(v) for v in row]
        ws.append([v for v, _f in numbers])
        for cell, (_v, form) in zip(ws[ws.max_row], numbers, strict=False):
            if form:
                cell.number_format = form
            if i in table.below_target_rows:
                cell.fill = grey
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
