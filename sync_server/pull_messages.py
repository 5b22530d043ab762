"""What a pull says (PullLog.message, Kiosk.last_error, Alert.message), in Vietnamese.

The puller writes plain English into the database: the same words go to the journal, where a
technician may search them. Staff pages show them through `vietnamese()`, which translates the
known shapes part by part ("a; b" and "a — b") and leaves any part it does not know as written,
so a new message is never hidden, only untranslated.
"""

from __future__ import annotations

import re

_U = r"(?P<url>\S+)"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [(re.compile(f"^{p}$"), vi) for p, vi in (
    # the network (sync_server.kiosk_client)
    (r"timed out", "hết thời gian chờ"),
    (r"connection refused", "ki-ốt từ chối kết nối (phần mềm ki-ốt không chạy?)"),
    (r"host name not found", "không tìm thấy tên máy"),
    (r"no route to host", "không có đường tới máy (ki-ốt tắt hoặc mất mạng?)"),
    (r"network unreachable", "mạng không tới được"),
    (r"connection reset", "kết nối bị ngắt"),
    (r"cannot connect", "không kết nối được"),
    (r"connection closed without a reply", "kết nối bị đóng mà không có trả lời"),
    (r"connection dropped in the middle of a reply", "kết nối bị ngắt giữa chừng khi đang nhận dữ liệu"),
    (r"too slow: reply not complete after (?P<s>[\d.]+) s", "quá chậm: sau {s} giây vẫn chưa nhận xong"),
    (r"reply larger than (?P<mb>\d+) MB", "trả lời lớn quá {mb} MB"),
    (r"the kiosk refused the token \(401\): check token in \[\[kiosks\]\]",
     "ki-ốt không chấp nhận mã truy cập (401): kiểm tra token của ki-ốt"),
    (r"(?P<req>\S+ \S+): HTTP (?P<code>\d+), not JSON (?P<rest>.*)",
     "{req}: HTTP {code}, trả lời không phải JSON {rest}"),
    (r"(?P<req>\S+ \S+): HTTP (?P<code>\d+): (?P<rest>.*)", "{req}: HTTP {code}: {rest}"),
    (r"(?P<req>\S+ \S+): reply is JSON but not an object", "{req}: trả lời JSON không đúng dạng"),
    # the kiosk's status and its pages (sync_server.puller)
    (r"status reply is not a kiosk status \(bad or missing (?P<what>.*)\)",
     "trả lời trạng thái không phải của ki-ốt (thiếu hoặc sai: {what})"),
    (f"the kiosk at {_U} says it is (?P<got>.*), not (?P<want>.*): check url in \\[\\[kiosks\\]\\]",
     "máy ở {url} cho biết nó là ki-ốt {got}, không phải {want}: kiểm tra địa chỉ của ki-ốt"),
    (r"the kiosk reports seq (?P<n>\d+) but sent nothing after seq (?P<a>\d+)",
     "ki-ốt báo có đến số {n} nhưng không gửi gì sau số {a}"),
    (r"status has no boot_id/uptime_ms: kiosk times cannot be checked",
     "trạng thái ki-ốt thiếu boot_id/uptime_ms: không kiểm tra được giờ của ki-ốt"),
    (r"new store (?P<s>\S+) \(card re-imaged\?\): new epoch, the old one is kept",
     "kho dữ liệu mới {s} (thẻ nhớ được cài lại?): mở kỳ dữ liệu mới, kỳ cũ vẫn được giữ"),
    (r"roster v(?P<v>\d+) not pushed: (?P<e>.*)", "chưa gửi được danh mục phiên bản {v}: {e}"),
    (r"roster v(?P<v>\d+) refused by the kiosk: (?P<e>.*)", "ki-ốt từ chối danh mục phiên bản {v}: {e}"),
    (r"stopped at seq (?P<n>\d+) \(server shutting down\); the next pull goes on",
     "dừng ở số {n} (máy chủ đang tắt); lần lấy sau sẽ tiếp tục"),
    (r"ack of seq (?P<n>\d+) failed: (?P<e>.*)", "xác nhận đã nhận đến số {n} không gửi được: {e}"),
    (r"(?P<n>\d+) response\(s\) kept aside as conflicts \(alert raised\)",
     "{n} phiếu bị trùng mã nhưng khác nội dung, được để riêng (đã báo cảnh báo)"),
    (r"(?P<n>\d+) response\(s\) name codes the roster does not know \(stored, flagged\)",
     "{n} phiếu ghi mã không có trong danh mục (đã lưu, đánh dấu để xem)"),
    (r"(?P<n>\d+) response time\(s\) repaired: the kiosk clock was wrong",
     "đã sửa giờ của {n} phiếu: đồng hồ ki-ốt bị sai"),
    (r"nothing of this page stored, alert raised", "không lưu gì của trang này, đã báo cảnh báo"),
    (r"another pull of this kiosk moved the cursor meanwhile; try again",
     "một lần lấy khác của ki-ốt này vừa chạy; sẽ thử lại"),
    (r"seq (?P<e>\d+): expected next, got (?P<g>\d+) \(gap or reorder\)",
     "số thứ tự {e} được chờ tiếp theo, nhận được {g} (thiếu hoặc sai thứ tự)"),
    (r"server error: (?P<e>.*)", "lỗi của máy chủ: {e}"),
    (r"ok, (?P<n>\d+) new \(seq (?P<a>\d+)-(?P<b>\d+)\)", "bình thường, {n} phiếu mới (số {a}–{b})"),
    (r"ok, nothing new \(seq (?P<n>\d+)\)", "bình thường, không có phiếu mới (đến số {n})"),
)]


def _one(part: str) -> str:
    for pattern, vi in _PATTERNS:
        m = pattern.match(part)
        if m:
            return vi.format(**{k: _one(v) if k in ("e",) else v for k, v in m.groupdict().items()})
    return part


def vietnamese(message: str | None) -> str:
    if not message:
        return ""
    parts = []
    for part in message.split("; "):
        parts.append(" — ".join(_one(piece) for piece in part.split(" — ")))
    return "; ".join(parts)
