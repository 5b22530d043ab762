"""The audit log: one row for every change a person makes, through a page or the command line.
Stored as an action code with its details (JSON); shown in words, in the reader's language
(`describe_*`). No Flask here; the pages pass who and from where, and their gettext."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sync_server.db.models import AuditLog, utcnow
from sync_server.i18n import N_

CLI = "cli"
SYSTEM = "system"  # what the server does by itself (the retention purges of contacts, dossier codes)


def record(actor: str, action: str, target: str = "", detail: dict[str, Any] | None = None, *,
           role: str | None = None, ip: str | None = None) -> AuditLog:
    """Call inside the transaction of the change itself, so that both happen or neither."""
    return AuditLog.create(at=utcnow(), actor=actor[:64], role=role, action=action, target=target[:128],
                           detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
                           ip=(ip or None) and ip[:64])


# --- the log in words --------------------------------------------------------------------------
# Each action the code records, as staff read it (a msgid; the page translates it). A test checks
# that every action recorded anywhere in sync_server has its words here.
ACTIONS: dict[str, str] = {
    "login": N_("Đăng nhập"),
    "user.create": N_("Thêm tài khoản"),
    "user.role": N_("Đổi vai trò tài khoản"),
    "user.password": N_("Đặt lại mật khẩu"),
    "user.activate": N_("Mở lại tài khoản"),
    "user.deactivate": N_("Khóa tài khoản"),
    "roster.seed_demo": N_("Nạp danh mục mẫu"),
    "rollup.rebuild": N_("Tính lại số liệu tổng hợp"),
    "alert.resolve": N_("Xử lý cảnh báo ki-ốt"),
    "kiosk.add": N_("Thêm ki-ốt"),
    "kiosk.edit": N_("Sửa ki-ốt"),
    "kiosk.retire": N_("Ngừng dùng ki-ốt"),
    "quota.add": N_("Thêm chỉ tiêu số phiếu"),
    "quota.delete": N_("Xóa chỉ tiêu số phiếu"),
    "unit.save": N_("Lưu thông tin đơn vị"),
    "field.create": N_("Thêm lĩnh vực"),
    "field.update": N_("Sửa lĩnh vực"),
    "field.delete": N_("Xóa lĩnh vực"),
    "counter.create": N_("Thêm quầy"),
    "counter.update": N_("Sửa quầy"),
    "counter.delete": N_("Xóa quầy"),
    "procedure.create": N_("Thêm thủ tục"),
    "procedure.update": N_("Sửa thủ tục"),
    "officer.create": N_("Thêm cán bộ"),
    "officer.update": N_("Sửa cán bộ"),
    "officer.photo": N_("Tải ảnh cán bộ"),
    "officer.photo_public": N_("Cho phép hiển thị ảnh công khai"),
    "officer.photo_private": N_("Thôi hiển thị ảnh công khai"),
    "questionnaire.create": N_("Tạo bảng hỏi"),
    "questionnaire.version": N_("Lưu phiên bản mới của bảng hỏi"),
    "questionnaire.activate": N_("Chọn bảng hỏi đang dùng"),
    "service_alert.acknowledge": N_("Ghi nhận cảnh báo phục vụ"),
    "import.procedures": N_("Nhập danh sách thủ tục"),
    "import.officers": N_("Nhập danh sách cán bộ"),
    "yearly_report.edit": N_("Sửa báo cáo năm"),
    "response.exclude": N_("Loại phiếu khỏi báo cáo"),
    "response.include": N_("Tính lại phiếu vào báo cáo"),
    "qr.tickets": N_("In phiếu mã QR dùng một lần"),
    "contact.erase": N_("Xóa thông tin liên hệ của người dân theo yêu cầu"),
    "contact.purge": N_("Tự xóa thông tin liên hệ quá thời hạn lưu"),
    "downstream.enrol": N_("Ghi danh máy chủ xã gửi lên tỉnh"),
    "downstream.revoke": N_("Thu hồi quyền gửi lên tỉnh của máy chủ xã"),
    "collection.open": N_("Mở hòm phiếu ki-ốt (lấy dữ liệu bằng tay, lập biên bản)"),
    "point.create": N_("Thêm điểm tiếp nhận"),
    "point.update": N_("Sửa điểm tiếp nhận"),
    "point.counter": N_("Chuyển quầy sang điểm tiếp nhận khác"),
    "point.kiosk": N_("Chuyển ki-ốt sang điểm tiếp nhận khác"),
    "overdue.import": N_("Nhập số hồ sơ quá hạn của tháng"),
    "overdue.replace": N_("Nhập lại (thay thế) số hồ sơ quá hạn của tháng"),
    "dossier.export": N_("Tải danh sách đánh giá theo mã hồ sơ"),
    "dossier.erase": N_("Xóa mã hồ sơ gắn với đánh giá theo yêu cầu"),
    "dossier.purge": N_("Tự xóa mã hồ sơ quá thời hạn lưu"),
}
# The keys of the details, as staff read them; a key not listed shows as it is.
DETAIL_LABELS: dict[str, str] = {
    "name": N_("Tên"), "address": N_("Địa chỉ"), "role": N_("Vai trò"), "from": N_("Từ"), "to": N_("Thành"),
    "active": N_("Đang dùng"), "url": N_("Địa chỉ"), "token_changed": N_("Đổi khóa truy cập"),
    "code": N_("Mã"), "sort": N_("Thứ tự"), "field": N_("Lĩnh vực"), "fields": N_("Lĩnh vực"),
    "title": N_("Chức danh"), "officers": N_("Cán bộ"), "kiosk_id": N_("Ki-ốt"), "mode": N_("Chế độ"),
    "ask_procedure": N_("Hỏi thủ tục"), "show_stats": N_("Số liệu tháng"), "file": N_("Tệp"),
    "bytes": N_("Dung lượng (byte)"), "roster_version": N_("Phiên bản danh mục"), "rows": N_("Số dòng"),
    "count": N_("Số lượng"), "comment": N_("Nhận xét"), "reason": N_("Lý do"), "kind": N_("Loại"),
    "message": N_("Nội dung"), "target": N_("Chỉ tiêu"), "label": N_("Ghi chú"), "start": N_("Từ ngày"),
    "end": N_("Đến ngày"), "field_code": N_("Lĩnh vực"), "new": N_("Mới"), "updated": N_("Cập nhật"),
    "version": N_("Phiên bản"), "questions": N_("Số câu hỏi"), "received": N_("Số phiếu nhận"),
    "status": N_("Kết quả"), "days": N_("Số ngày lưu"), "response": N_("Phiếu đánh giá"),
    "responses": N_("Các phiếu đánh giá"),
    "former_name": N_("Tên xã cũ (trước sáp nhập)"), "former_code": N_("Mã xã cũ"),
    "merged_on": N_("Ngày sáp nhập"),
    "month": N_("Tháng"), "settled": N_("Hồ sơ đã giải quyết"), "overdue": N_("Hồ sơ quá hạn"),
    "complaints": N_("Hồ sơ có PAKN"), "before": N_("Trước đó"),
}
_CLI_ACTOR = N_("dòng lệnh trên máy chủ")
_SYSTEM_ACTOR = N_("máy chủ (tự động)")


def describe_action(action: str, gettext: Callable[[str], str]) -> str:
    return gettext(ACTIONS[action]) if action in ACTIONS else action


def describe_actor(actor: str, gettext: Callable[[str], str]) -> str:
    return gettext(_CLI_ACTOR) if actor == CLI else gettext(_SYSTEM_ACTOR) if actor == SYSTEM else actor


def describe_detail(detail: str | None, gettext: Callable[[str], str]) -> list[str]:
    """The detail JSON as lines "Label: value" in the reader's language."""
    try:
        data = json.loads(detail) if detail else {}
    except ValueError:
        return [detail or ""]
    if not isinstance(data, dict):
        return [str(data)]
    lines = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, bool):
            shown = gettext("Có") if value else gettext("Không")
        elif isinstance(value, list):
            shown = ", ".join(str(v) for v in value) or "—"
        elif value is None or value == "":
            shown = "—"
        else:
            shown = str(value)
        label = gettext(DETAIL_LABELS[key]) if key in DETAIL_LABELS else key
        lines.append(f"{label}: {shown}")
    return lines


# --- the log filtered --------------------------------------------------------------------------
@dataclass
class Filter:
    """By person (a username, or "cli"), by action code, and by local days [start, end]."""

    actor: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None


def _utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(UTC).replace(tzinfo=None)


def select(f: Filter, tz: ZoneInfo):
    query = AuditLog.select().order_by(AuditLog.id.desc())
    if f.actor:
        query = query.where(AuditLog.actor == f.actor)
    if f.action:
        query = query.where(AuditLog.action == f.action)
    if f.start:
        query = query.where(AuditLog.at >= _utc(f.start, tz))
    if f.end:
        query = query.where(AuditLog.at < _utc(f.end + timedelta(days=1), tz))
    return query


def actors() -> list[str]:
    """Everyone who has changed something, for the filter's list."""
    return [a for (a,) in AuditLog.select(AuditLog.actor).distinct().order_by(AuditLog.actor).tuples()]
