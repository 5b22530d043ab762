"""A report table as the DOCX an office signs and files, in the layout of Nghị định 30/2020/NĐ-CP
(Phụ lục I): the issuing body under its superior with a short rule, the number; the national
name on one line and the motto with its short rule, the place and date; the title; "Kính gửi"
when the report has an addressee; the body; the table; "Nơi nhận" and the signature block the
unit sets, kept on the page where the table ends. Wide tables go on landscape pages with column
widths that fit their contents (never narrower than the longest word), numbers right-aligned.
No Flask here."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from sync_server.reports.exports import MOTTO, SHARE, Table

PAGE = (21.0, 29.7)  # A4, cm
MARGINS = (3.0, 2.0, 2.0, 2.0)  # left, right, top, bottom (NĐ 30: left 3–3.5, right 1.5–2)
CHAR_CM_PER_PT = 0.019  # the width of an average character of Times New Roman, per point of size, cm
PAD_CM = 0.3  # a cell's left and right padding (0.1 cm each, _fixed) and a little air
MAX_PORTRAIT_COLUMNS = 8


@dataclass
class Letterhead:
    """The frame of an official report, as `[unit]` in server.toml sets it."""

    superior: str  # the body above the unit: "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA" (may be empty)
    unit: str  # "ỦY BAN NHÂN DÂN XÃ ĐẠI LÃNH"
    place: str  # the place name in the date line: "Đại Lãnh"
    number: str  # "      /BC-UBND" (the number is written by hand)
    day: date
    to: str = ""  # "Kính gửi: …" (none: no such line and no "Như trên")
    receivers: tuple[str, ...] = ()  # the "Nơi nhận" lines besides "Như trên" and the archive
    authority: str = ""  # "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH" (may be empty)
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"
    signer_name: str = ""
    archive: str = "Lưu: VT."
    point: str = ""  # a report of one reception point: "Điểm tiếp nhận: …", under the title
    extra: dict[str, str] = field(default_factory=dict)


def _run(p, text: str, *, bold: bool = False, italic: bool = False, size: float = 13) -> None:
    run = p.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _para(container, text: str = "", *, bold: bool = False, italic: bool = False, size: float = 13,
          align=WD_ALIGN_PARAGRAPH.CENTER, after: float = 0, keep: bool = False, first: bool = False):
    p = container.paragraphs[0] if first else container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.keep_with_next = keep
    if text:
        _run(p, text, bold=bold, italic=italic, size=size)
    return p


def _rule(cell, text_cm: float, column_cm: float) -> None:
    """A short solid line, centred in the cell: about a third of the text above it wide."""
    p = cell.add_paragraph()
    side = max(0.0, (column_cm - max(text_cm, 1.5)) / 2)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Cm(side)
    p.paragraph_format.space_after = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)
    p.paragraph_format.line_spacing = Pt(2)


def _fixed(table, widths: list[float]) -> None:
    """Fixed column widths (Word and LibreOffice both keep them)."""
    table.autofit = False
    props = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    props.append(layout)
    margins = OxmlElement("w:tblCellMar")  # narrow cell padding: room for the text
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "57")
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    props.append(margins)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Cm(width)


def _row_flags(row, *, header: bool = False) -> None:
    props = row._tr.get_or_add_trPr()
    no_split = OxmlElement("w:cantSplit")
    props.append(no_split)
    if header:  # repeated at the top of every page
        props.append(OxmlElement("w:tblHeader"))


def _longest_word(text: str) -> int:
    return max((len(w) for w in re.split(r"\s+", text) if w), default=0)


def _least(column: list[str], char_cm: float) -> float:
    """The narrowest a column may be: its longest word (the header's in bold) unbroken, and a
    number or a share ("66,7 % ▼") whole."""
    cells = [len(t) if _numeric(t) else _longest_word(t) for t in column[1:]]
    return max(_longest_word(column[0]) * 1.12, *cells) * char_cm + PAD_CM


def widths(columns: list[list[str]], usable_cm: float, size: float) -> list[float]:
    """Column widths that fit: each at least its longest word (no word broken inside), then
    what is left goes to the columns whose text is long (names), up to their whole text."""
    char_cm = CHAR_CM_PER_PT * size
    out = [_least(col, char_cm) for col in columns]
    spare = usable_cm - sum(out)
    if spare <= 0:  # too many columns even at their narrowest: shrink alike (the font is smaller first)
        return [w * usable_cm / sum(out) for w in out]
    want = [max(len(t) for t in col[1:] or [""]) * char_cm + PAD_CM for col in columns]
    # The first column (who or what a row is: a name) gets its whole text first, then the others.
    first = min(max(want[0], out[0]), out[0] + spare, 5.5)
    spare -= first - out[0]
    out[0] = first
    grow = [0.0] + [max(0.0, min(w, 9.0) - o) for w, o in zip(want[1:], out[1:], strict=True)]
    if sum(grow):
        share = min(1.0, spare / sum(grow))
        out = [o + g * share for o, g in zip(out, grow, strict=True)]
    spare = usable_cm - sum(out)
    return [o + spare / len(out) for o in out]  # the rest spread: the table spans the page


def _columns(table: Table) -> list[list[str]]:
    """The header and every cell's text, column by column, "▼" added where a share is below target."""
    share = table.headers.index(SHARE) if SHARE in table.headers else -1
    cols: list[list[str]] = [[str(h)] for h in table.headers]
    for i, row in enumerate(table.rows):
        for j in range(len(table.headers)):
            text = "" if j >= len(row) or row[j] is None else str(row[j])
            if j == share and i in table.below_target_rows:
                text += " ▼"  # below the target: a mark that reads in black and white
            cols[j].append(text)
    return cols


def _layout(columns: list[list[str]], portrait_usable: float) -> tuple[bool, float]:
    """(landscape?, font size of the table): portrait while it fits at 11 pt."""
    narrowest = sum(_least(c, CHAR_CM_PER_PT * 11) for c in columns)
    if len(columns) <= MAX_PORTRAIT_COLUMNS and narrowest <= portrait_usable:
        return False, 11
    return True, 11 if len(columns) <= 11 else 10


def _numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[−\-+↑↓= ]*[\d.,]+( ?%)?( ▼)?|—", text))


def to_docx(table: Table, head: Letterhead, *, kind: str = "BÁO CÁO", signers: tuple[str, ...] = ()) -> bytes:
    """`kind` heads the title ("BÁO CÁO", "BIÊN BẢN"); `signers`, when given, replace "Nơi nhận"
    and the unit's signature with a row of people who each sign (a biên bản's)."""
    doc = Document()
    section = doc.sections[0]
    left, right, top, bottom = MARGINS
    portrait_usable = PAGE[0] - left - right
    columns = _columns(table)
    wide, size = _layout(columns, portrait_usable)
    if wide:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(PAGE[1]), Cm(PAGE[0])
    else:
        section.page_width, section.page_height = Cm(PAGE[0]), Cm(PAGE[1])
    section.left_margin, section.right_margin = Cm(left), Cm(right)
    section.top_margin, section.bottom_margin = Cm(top), Cm(bottom)
    usable = (PAGE[1] if wide else PAGE[0]) - left - right
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    style.paragraph_format.space_after = Pt(0)

    _letterhead(doc, head, usable)
    _para(doc, kind, bold=True, size=14)
    _para(doc, table.title, bold=True, size=14, after=0 if head.point else 6)
    if head.point:
        _para(doc, head.point, bold=True, size=13, after=6)
    if head.to:
        _para(doc, f"Kính gửi: {head.to}", size=14, after=6)
    for note in table.notes:
        if re.match(r"\d+\. ", note):  # a numbered line (the people present): a list, not prose
            p = _para(doc, note, size=13, align=WD_ALIGN_PARAGRAPH.LEFT, after=3)
            p.paragraph_format.left_indent = Cm(1)
            continue
        p = _para(doc, note, size=13, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=3)
        p.paragraph_format.first_line_indent = Cm(1)
    _grid(doc, columns, usable, size)
    # A heading stays with its first line and the last line with the signature; the lines between
    # may break across a page, so that a long closing section does not push the table onto a new page.
    for i, (heading, text) in enumerate(table.after):
        if heading:  # set off from the table or the section above it
            _para(doc, heading, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=3,
                  keep=True).paragraph_format.space_before = Pt(9)
        lines = (text or "").splitlines() or [""]
        for j, line in enumerate(lines):
            last = i == len(table.after) - 1 and j == len(lines) - 1
            _para(doc, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=3, keep=last)
    _para(doc, "", keep=True)
    if signers:
        _signers(doc, signers, usable)
    else:
        _signature(doc, head, usable)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _letterhead(doc, head: Letterhead, usable: float) -> None:
    # The national name must fit on one line at 12 pt bold (about 9.5 cm): portrait 6 + 10 cm.
    left_cm = 6.0 if usable < 20 else 9.0
    top = doc.add_table(rows=1, cols=2)
    top.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed(top, [left_cm, usable - left_cm])
    body, nation = top.rows[0].cells
    if head.superior:
        _para(body, head.superior.upper(), size=12, first=True)
    _para(body, head.unit.upper(), bold=True, size=12, first=not head.superior)
    _rule(body, len(head.unit) * 0.25 / 2.5, left_cm)
    _para(body, f"Số: {head.number}", size=13)
    _para(nation, MOTTO[0], bold=True, size=12, first=True)
    _para(nation, MOTTO[1], bold=True, size=13)
    _rule(nation, len(MOTTO[1]) * 0.23, usable - left_cm)
    _para(nation, f"{head.place}, ngày {head.day.day:02d} tháng {head.day.month:02d} năm {head.day.year}",
          italic=True, size=13)
    _para(doc, "")


def _grid(doc, columns: list[list[str]], usable: float, size: float) -> None:
    grid = doc.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _row_flags(grid.rows[0], header=True)
    for cell, col in zip(grid.rows[0].cells, columns, strict=True):
        _para(cell, col[0], bold=True, size=size, first=True)
    last = len(columns[0]) - 2
    total = columns[0][-1] == "Tổng cộng"  # a total row is set in bold
    for i in range(last + 1):
        cells = grid.add_row().cells
        _row_flags(grid.rows[-1])
        for j, cell in enumerate(cells):
            text = columns[j][i + 1]
            align = WD_ALIGN_PARAGRAPH.RIGHT if j and _numeric(text) else WD_ALIGN_PARAGRAPH.LEFT
            # The last rows keep with what follows: the table's end and the signature share a page.
            _para(cell, text, size=size, align=align, bold=total and i == last, first=True,
                  keep=i >= last - 1)
    _fixed(grid, widths(columns, usable, size))


def _signature(doc, head: Letterhead, usable: float) -> None:
    sign = doc.add_table(rows=1, cols=2)
    _fixed(sign, [usable * 0.45, usable * 0.55])
    _row_flags(sign.rows[0])
    receivers, signer = sign.rows[0].cells
    _para(receivers, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    lines = (["Như trên"] if head.to else []) + list(head.receivers) + [head.archive.rstrip(".")]
    for n, line in enumerate(lines):
        _para(receivers, f"- {line}{'.' if n == len(lines) - 1 else ';'}", size=11,
              align=WD_ALIGN_PARAGRAPH.LEFT)
    first = True
    if head.authority:
        _para(signer, head.authority.upper(), bold=True, size=13, first=True)
        first = False
    _para(signer, head.signer_title.upper(), bold=True, size=13, first=first)
    _para(signer, "(Ký tên, đóng dấu)", italic=True, size=13)
    for _ in range(4):  # room for the signature and the stamp
        _para(signer, "")
    _para(signer, head.signer_name, bold=True, size=13)


def _signers(doc, signers: tuple[str, ...], usable: float) -> None:
    row = doc.add_table(rows=1, cols=len(signers))
    _fixed(row, [usable / len(signers)] * len(signers))
    _row_flags(row.rows[0])
    for cell, who in zip(row.rows[0].cells, signers, strict=True):
        _para(cell, who.upper(), bold=True, size=12, first=True)
        _para(cell, "(Ký, ghi rõ họ tên)", italic=True, size=12)
