"""The text of a biên bản, the same for its print view and its DOCX (the NĐ 30 frame of
sync_server.reports.docx_report): the time and place line, the people present (typed names or
blank lines to fill in), one block per data store with the count, the seq range, the head hash
and whether the chain verifies, the closing sentence and the signers. An official document is
Vietnamese whatever the page's language, as the reports are. No Flask.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sync_server.collect.minutes import DayMinutes
from sync_server.config import QR_KIOSK_ID
from sync_server.db.models import PullLog
from sync_server.reports.exports import Table

SIGNERS = ("Người lập biên bản", "Người chứng kiến", "Thủ trưởng đơn vị")
HEADERS = ["STT", "Nội dung", "Kết quả"]
BLANK_PERSON = "Ông/Bà: ……………………………… Chức vụ: ………………………"
WITNESS_LINES = 3
CLOSING = ("Biên bản được lập thành 02 bản có giá trị như nhau, đơn vị giữ 01 bản, bộ phận quản lý "
           "dữ liệu giữ 01 bản; những người có mặt đã đọc lại và cùng ký tên dưới đây.")


def grouped_hash(value: str) -> str:
    """A SHA-256 hex in four groups of 16: it wraps between groups, never inside one."""
    return " ".join(value[i:i + 16] for i in range(0, len(value), 16))


def _local(value: datetime, tz: ZoneInfo) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(tz)


def _place_name(kiosk_id: str, counter: str) -> str:
    if kiosk_id == QR_KIOSK_ID:
        return "Trang đánh giá qua mã QR (điện thoại của người dân)"
    return f"{counter} (ki-ốt {kiosk_id})" if counter and counter != kiosk_id else f"Ki-ốt {kiosk_id}"


def _people(witnesses: str) -> list[str]:
    typed = [w.strip() for w in witnesses.splitlines() if w.strip()]
    lines = [f"{n}. Ông/Bà: {name}" for n, name in enumerate(typed, 1)]
    lines += [f"{n}. {BLANK_PERSON}" for n in range(len(typed) + 1, max(WITNESS_LINES, len(typed)) + 1)]
    return lines


def _verdict(ok: bool, problem: str) -> str:
    if ok:
        return "Đã kiểm tra lại: toàn vẹn (không phiếu nào bị sửa, xóa hay chèn)"
    return f"KHÔNG TOÀN VẸN — {problem}"


def day_table(m: DayMinutes, counter: str, unit: str, tz: ZoneInfo) -> Table:
    place = _place_name(m.kiosk_id, counter)
    when = f"ngày {m.day:%d/%m/%Y}"
    notes = [f"Hôm nay, vào lúc …… giờ …… ngày …… tháng …… năm ……, tại {unit}, chúng tôi gồm:",
             *_people(""),
             f"đã cùng kiểm tra việc thu nhận phiếu đánh giá sự hài lòng từ {place} trong {when}, "
             "theo dữ liệu máy chủ đã nhận và lưu, như sau:"]
    rows: list[list[object]] = []
    if m.first_at and m.last_at:
        span = f"từ {_local(m.first_at, tz):%H:%M} đến {_local(m.last_at, tz):%H:%M} {when}"
    else:
        span = f"không nhận phiếu nào trong {when}"
    rows.append(["Thời gian nhận phiếu", span])
    if m.kiosk_id == QR_KIOSK_ID:
        rows.append(["Cách thu nhận", "phiếu được lưu ngay khi người dân gửi trên điện thoại"])
    else:
        rows.append(["Số lần máy chủ lấy dữ liệu", f"{m.pulls} (không thành công: {m.pulls_failed}; "
                     f"do cán bộ mở bằng tay: {m.opened_by_hand})"])
    rows.append(["Tổng số phiếu nhận và lưu", f"{m.received} phiếu"])
    for n, s in enumerate(m.stores, 1):
        label = f"Kho dữ liệu {n}" if len(m.stores) > 1 else "Kho dữ liệu"
        rows += [[label, s.store_id], ["Số phiếu nhận", f"{s.received} phiếu"],
                 ["Số thứ tự phiếu", f"từ số {s.first_seq} đến số {s.last_seq}"],
                 ["Mã niêm phong cuối (SHA-256)", grouped_hash(s.head_hash)],
                 ["Chuỗi niêm phong", _verdict(s.verified, s.problem)]]
    if m.kiosk_id != QR_KIOSK_ID:
        rows.append(["Phiếu để riêng do trùng mã / gắn cờ / sửa giờ",
                     f"{m.conflicts} / {m.flagged} / {m.repaired}"])
    title = f"Thu nhận phiếu đánh giá {when} — {place}"
    return Table(title, notes, HEADERS, [[i, *r] for i, r in enumerate(rows, 1)],
                 after=[("", CLOSING)])


def pull_table(log: PullLog, counter: str, unit: str, tz: ZoneInfo) -> Table:
    """The minutes of a collection a staff member opened by hand: what that one pull received."""
    at = _local(log.started_at, tz)
    place = _place_name(log.kiosk_id, counter)
    notes = [f"Hôm nay, vào lúc {at:%H} giờ {at:%M} ngày {at:%d} tháng {at:%m} năm {at:%Y}, tại {unit}, "
             "chúng tôi gồm:", *_people(log.witnesses or ""),
             f"đã cùng mở hòm phiếu điện tử của {place} (cán bộ mở: {log.opened_by}) và kiểm tra số "
             "phiếu máy chủ nhận lần này, như sau:"]
    seqs = f"từ số {log.first_seq} đến số {log.last_seq}" if log.first_seq else "không có phiếu mới"
    rows: list[list[object]] = [
        ["Kết quả lấy dữ liệu", "thành công" if log.status == "ok" else "KHÔNG thành công"],
        ["Kho dữ liệu", log.store_id or "—"],
        ["Số phiếu ki-ốt báo đang giữ", "—" if log.kiosk_last_seq is None else f"{log.kiosk_last_seq} phiếu"],
        ["Số phiếu nhận và lưu lần này", f"{log.received} phiếu"],
        ["Số thứ tự phiếu", seqs],
        ["Mã niêm phong cuối (SHA-256)", grouped_hash(log.head_hash) if log.head_hash else "—"],
        ["Chuỗi niêm phong", "đã kiểm tra: toàn vẹn" if log.chain_verified else "KHÔNG được xác nhận"],
        ["Phiếu để riêng do trùng mã / gắn cờ / sửa giờ",
         f"{log.conflicts} / {log.flagged} / {log.repaired}"],
    ]
    title = f"Mở hòm phiếu điện tử — {place}"
    return Table(title, notes, HEADERS, [[i, *r] for i, r in enumerate(rows, 1)], after=[("", CLOSING)])
