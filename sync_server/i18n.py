"""Vietnamese first, English available: the staff pages are written in Vietnamese and `_()`
looks the English up here when the user chose English (`?lang=en`, kept in the session).

A plain dictionary instead of gettext catalogues: a few dozen strings, no build step, and a test
checks that every `_("…")` in the templates has its English line.
"""

from __future__ import annotations

LANGS = ("vi", "en")
DEFAULT = "vi"

EN: dict[str, str] = {
    # base, navigation
    "Đánh giá mức độ hài lòng — Bộ phận Một cửa": "Citizen satisfaction — one-stop counter",
    "Tổng quan": "Overview",
    "Ki-ốt": "Kiosks",
    "Cảnh báo": "Alerts",
    "Biên bản": "Minutes",
    "Nhật ký": "Audit log",
    "Người dùng": "Users",
    "Đăng xuất": "Log out",
    "hailong — phần mềm mã nguồn mở": "hailong — open-source software",
    # login
    "Đăng nhập": "Log in",
    "Tên đăng nhập": "Username",
    "Mật khẩu": "Password",
    "Chưa có tài khoản nào. Trên máy chủ, chạy lệnh": "There is no account yet. On the server, run",
    "để tạo tài khoản quản trị đầu tiên.": "to create the first administrator.",
    "Tên đăng nhập hoặc mật khẩu không đúng.": "Wrong username or password.",
    "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau khoảng {minutes} phút.":
        "Too many failed logins. Please try again in about {minutes} minutes.",
    # errors
    "Biểu mẫu đã hết hạn": "The form has expired",
    "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.":
        "The form has expired or is not valid. Please reload the page and try again.",
    "Không tìm thấy trang": "Page not found",
    "Không tìm thấy trang này.": "This page does not exist.",
    "Không có quyền": "Not allowed",
    "Tài khoản của bạn không có quyền xem hoặc làm việc này.":
        "Your account is not allowed to see or do this.",
    "Về trang tổng quan": "Back to the overview",
    # dashboard
    "Mức độ hài lòng theo cán bộ": "Satisfaction per officer",
    "Hôm nay": "Today",
    "Tháng này": "This month",
    "từ": "from",
    "đến": "to",
    "Chỉ tiêu": "Target",
    "ý kiến hài lòng (mức 4–5)": "satisfied answers (4–5)",
    "Cán bộ": "Officer",
    "Chức danh": "Title",
    "Lượt đánh giá": "Ratings",
    "Hài lòng": "Satisfied",
    "Chưa có cán bộ nào trong danh sách.": "No officers in the roster yet.",
    "Tổng cộng": "Total",
    "Hài lòng = tỷ lệ câu trả lời ở mức 4 (Hài lòng) hoặc 5 (Rất hài lòng) trên tổng số câu trả lời. "
    "Ô tô đậm: dưới chỉ tiêu.":
        "Satisfied = share of answers scoring 4 (Satisfied) or 5 (Very satisfied). "
        "Bold cells: below target.",
    "Ki-ốt đánh giá": "Rating kiosks",
    "liên lạc lần cuối": "last contact",
    "lần lấy dữ liệu gần nhất": "last pull",
    "lượt đã nhận": "received",
    "Chưa khai báo ki-ốt nào ([[kiosks]] trong server.toml).":
        "No kiosks configured ([[kiosks]] in server.toml).",
    "Không có cảnh báo nào.": "No alerts.",
    "Xem tất cả cảnh báo": "See all alerts",
    "chưa có": "never",
    # pull status
    "bình thường": "ok",
    "không kết nối được": "unreachable",
    "lỗi": "error",
    "dữ liệu bị từ chối (xem cảnh báo)": "data refused (see alerts)",
    "chưa lấy dữ liệu lần nào": "never pulled",
    # kiosks (health)
    "Tình trạng ki-ốt": "Kiosk health",
    "Liên lạc lần cuối": "Last contact",
    "Lần lấy dữ liệu gần nhất": "Last pull",
    "Lỗi gần nhất": "Last error",
    "Phiếu": "Responses",
    "ki-ốt báo": "kiosk reports",
    "máy chủ nhận": "server received",
    "đã lưu": "stored",
    "để riêng": "kept aside",
    "gắn cờ": "flagged",
    "chưa nhận": "not yet received",
    "Lệch đồng hồ": "Clock skew",
    "chưa đồng bộ giờ": "not synchronised",
    "Danh mục": "Roster",
    "máy chủ": "server",
    "Dung lượng trống": "Free disk",
    "Phiên bản": "Version",
    "Chuỗi niêm phong": "Hash chain",
    "nguyên vẹn": "intact",
    "có vấn đề": "problem",
    "chưa kiểm tra": "not checked yet",
    "không khớp": "do not agree",
    "Kho dữ liệu": "Store",
    "Phiếu gắn cờ (mã chưa có trong danh mục)": "Flagged responses (codes not in the roster)",
    "Phiếu để riêng (trùng mã, khác nội dung)": "Responses kept aside (same uuid, other content)",
    "Không có.": "None.",
    "Mã chưa biết": "Unknown codes",
    "Thời gian": "Time",
    "Nội dung như đã nhận": "Content as received",
    "Số thứ tự": "Seq",
    "Giờ ghi trên ki-ốt": "Kiosk time",
    "Giờ đã sửa": "Repaired time",
    # alerts
    "Cảnh báo đang mở": "Open alerts",
    "Cảnh báo đã xử lý": "Resolved alerts",
    "Loại": "Kind",
    "Lần đầu": "First seen",
    "Lần cuối": "Last seen",
    "Số lần": "Times",
    "Nội dung": "Message",
    "Chi tiết": "Detail",
    "Đánh dấu đã xử lý": "Mark resolved",
    "đã xử lý bởi": "resolved by",
    "Cảnh báo đã được đánh dấu là đã xử lý.": "The alert was marked resolved.",
    "Cảnh báo này đã được xử lý trước đó.": "This alert was already resolved.",
    "Dữ liệu không hợp lệ": "Invalid data",
    "Trùng mã phiếu": "Duplicate uuid",
    "Thẻ nhớ mới": "New card",
    # users, audit
    "Vai trò": "Role",
    "Quản trị": "Administrator",
    "Cán bộ phụ trách": "Staff",
    "Chỉ xem": "Viewer",
    "Đăng nhập lần cuối": "Last login",
    "Trạng thái": "Status",
    "Đặt lại mật khẩu": "Reset password",
    "Mật khẩu mới": "New password",
    "Đặt lại": "Reset",
    "Lưu": "Save",
    "Đang hoạt động": "Active",
    "Đã khóa": "Switched off",
    "Khóa": "Switch off",
    "Mở khóa": "Switch on",
    "Tạo tài khoản": "Create account",
    "ít nhất": "at least",
    "Quản trị: mọi việc, kể cả tài khoản. Cán bộ phụ trách: xem báo cáo, xử lý cảnh báo, xem nhật ký. "
    "Chỉ xem: chỉ xem báo cáo.":
        "Administrator: everything, accounts included. Staff: reports, handling alerts, the audit "
        "log. Viewer: reading reports only.",
    "Tên đăng nhập chỉ gồm chữ không dấu, số, '.', '_', '-', '@' (tối đa 64).":
        "A username has only unaccented letters, digits, '.', '_', '-', '@' (at most 64).",
    "Vai trò không hợp lệ.": "Not a valid role.",
    "Mật khẩu phải có ít nhất {n} ký tự.": "The password needs at least {n} characters.",
    "Tên đăng nhập '{name}' đã có.": "The username '{name}' is taken.",
    "Đã tạo tài khoản '{name}'.": "Account '{name}' created.",
    "Phải còn ít nhất một quản trị đang hoạt động.": "At least one active administrator must remain.",
    "Đã đổi vai trò của '{name}'.": "Role of '{name}' changed.",
    "Đã đặt lại mật khẩu cho '{name}'.": "Password of '{name}' reset.",
    "Đã cập nhật tài khoản '{name}'.": "Account '{name}' updated.",
    "Nhật ký thay đổi": "Audit log",
    "Mọi thay đổi do người dùng thực hiện (trên trang hoặc bằng dòng lệnh). Nhật ký chỉ được ghi thêm, "
    "không sửa hay xóa được.":
        "Every change made by a person (on a page or on the command line). The log can only "
        "grow: it cannot be edited or deleted.",
    "Người thực hiện": "Who",
    "Việc": "Action",
    "Đối tượng": "Target",
    "Địa chỉ": "Address",
    "Chưa có gì.": "Nothing yet.",
    # minutes
    "Biên bản thu nhận phiếu": "Minutes of collection",
    "Mọi lần lấy dữ liệu từ ki-ốt đều có biên bản.": "Every pull from a kiosk has its minutes.",
    "Tất cả ki-ốt": "All kiosks",
    "Lọc": "Filter",
    "Kết quả": "Result",
    "Số phiếu nhận": "Received",
    "Từ số – đến số": "Seq from – to",
    "Đã kiểm tra chuỗi": "Chain verified",
    "Mã niêm phong cuối": "Head hash",
    "Xem / in": "View / print",
    "Có": "Yes",
    "Không": "No",
    "Trang trước": "Previous page",
    "Trang sau": "Next page",
    "Chưa có biên bản nào.": "No minutes yet.",
    "BIÊN BẢN": "MINUTES",
    "Thu nhận phiếu đánh giá từ ki-ốt": "Collection of ratings from a kiosk",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": "SOCIALIST REPUBLIC OF VIETNAM",
    "Độc lập – Tự do – Hạnh phúc": "Independence – Freedom – Happiness",
    "Số biên bản": "Minutes no.",
    "Ki-ốt (quầy)": "Kiosk (counter)",
    "Bắt đầu": "Started",
    "Kết thúc": "Finished",
    "Số phiếu ki-ốt báo đang giữ": "Responses the kiosk reported holding",
    "Số phiếu nhận và lưu lần này": "Responses received and stored in this pull",
    "Phiếu để riêng do trùng mã": "Responses kept aside (same uuid)",
    "Phiếu được sửa giờ (đồng hồ ki-ốt sai)": "Responses with repaired time (kiosk clock wrong)",
    "Chuỗi niêm phong đã kiểm tra": "Hash chain verified",
    "Mã niêm phong cuối (SHA-256)": "Head hash (SHA-256)",
    "Danh mục đã gửi cho ki-ốt": "Roster pushed to the kiosk",
    "Ghi chú": "Notes",
    "Người lập biên bản": "Drawn up by",
    "Người chứng kiến": "Witness",
    "Thủ trưởng đơn vị": "Head of unit",
    "(Ký, ghi rõ họ tên)": "(Signature, full name)",
    "Dùng lệnh In của trình duyệt (Ctrl+P) để in biên bản.": "Use the browser's Print command (Ctrl+P).",
    "Mã niêm phong cuối là dấu SHA-256 của phiếu cuối cùng đã nhận; mỗi phiếu nối với phiếu trước "
    "bằng mã này nên không thể sửa, xóa hay chèn phiếu mà không bị phát hiện.":
        "The head hash is the SHA-256 seal of the last response received; each response is "
        "linked to the one before by its hash, so no response can be changed, removed or "
        "inserted without it being detected.",
    # reports
    'Báo cáo': 'Reports',
    'Báo cáo tháng theo cán bộ': 'Monthly report per officer',
    'Bản in': 'Print view',
    'Chưa có đánh giá nào trong thời gian này.': 'No ratings in this period.',
    'Cách nhóm không hợp lệ.': 'Unknown grouping.',
    'Cách tính': 'Definition',
    'Cách tính tỷ lệ hài lòng không hợp lệ.': 'Unknown satisfaction definition.',
    'Câu trả lời': 'Answers',
    'Danh sách phiếu': 'List of responses',
    'Dùng lệnh In của trình duyệt (Ctrl+P) để in báo cáo.':
        "Use the browser's Print command (Ctrl+P) to print the report.",
    'Khoảng thời gian dài quá 3 năm.': 'The range is longer than 3 years.',
    'Kênh': 'Channel',
    'Kỳ': 'Period',
    'Kỳ báo cáo không hợp lệ.': 'Unknown report period.',
    'Loại khỏi báo cáo': 'Exclude from reports',
    'Lượt đánh giá theo giờ và thứ': 'Ratings by hour and weekday',
    'Mỗi ô: số lượt đánh giá; trong ngoặc: số lượt có câu trả lời mức 1–2. Ô viền đậm: từ 4 lượt '
    'trở lên và ít nhất một nửa có mức 1–2.':
        'Each cell: ratings; in brackets: those with an answer of 1–2. Bold border: 4 ratings or '
        'more, at least half of them with a 1–2.',
    'Ngày': 'Day',
    'Ngày không hợp lệ ở ô “{name}”: dùng dạng năm-tháng-ngày, ví dụ 2026-11-23.':
        'Invalid date in “{name}”: use year-month-day, e.g. 2026-11-23.',
    'Ngày kết thúc đứng trước ngày bắt đầu.': 'The end date is before the start date.',
    'Nhóm theo': 'Group by',
    'Phiếu bị loại (ví dụ cán bộ bấm thử) vẫn được lưu nguyên, chỉ không được tính trong báo '
    'cáo. Mỗi lần loại hoặc tính lại đều được ghi vào nhật ký.':
        'An excluded response (a staff test, say) stays stored unchanged; it is only left out of '
        'the reports. Every exclusion and re-inclusion is written to the audit log.',
    'Phiếu đánh giá': 'Responses',
    'Số': 'No.',
    'Tháng': 'Month',
    'Tháng không hợp lệ: dùng dạng năm-tháng, ví dụ 2026-11.': 'Invalid month: use year-month, e.g. 2026-11.',
    'Thủ tục': 'Procedure',
    'Trong báo cáo': 'In reports',
    'Tính lại': 'Include again',
    'Tải về': 'Download',
    'Từ': 'From',
    'Xem': 'Show',
    'Yêu cầu không hợp lệ': 'Bad request',
    'Yêu cầu không hợp lệ.': 'Bad request.',
    'dở dang': 'partial',
    'Đã loại': 'Excluded',
    'Đã loại phiếu khỏi báo cáo.': 'The response is excluded from reports.',
    'Đã tính lại phiếu vào báo cáo.': 'The response counts in reports again.',
    'Đến': 'To',
    'Định dạng tệp không hợp lệ.': 'Unknown file format.',
    'Lý do': 'Reason',
    'Tuần (đến thứ Năm)': 'Week (to Thursday)',
    'Năm': 'Year',
    'Tự chọn': 'Custom',
    'Lĩnh vực': 'Field',
    'Quầy (ki-ốt)': 'Counter (kiosk)',
    'Kênh đánh giá': 'Channel',
    'Câu hỏi': 'Question',
    'Cán bộ (xếp hạng)': 'Officer (rank)',
    'Điểm trung bình': 'Mean score',
    'Tỷ lệ hài lòng': 'Satisfaction',
    'Rất hài lòng': 'Very satisfied',
    'Không hài lòng': 'Dissatisfied',
    'Mức 1': 'Score 1',
    'Mức 2': 'Score 2',
    'Mức 3': 'Score 3',
    'Mức 4': 'Score 4',
    'Mức 5': 'Score 5',
    'Tỷ lệ hài lòng (mức 4–5)': 'Satisfied share (scores 4–5)',
    'Tỷ lệ không không hài lòng (QĐ 766)': 'Not-dissatisfied share (Decision 766)',
    'Ba mức (RHL / HL / KHL)': 'Three levels (very satisfied / satisfied / dissatisfied)',
}

# The citizens' QR page and its staff pages keep their strings in their own module.
from sync_server.qr_strings import EN as _QR_EN  # noqa: E402

EN.update(_QR_EN)


def translate(text: str, lang: str, **values: object) -> str:
    out = EN.get(text, text) if lang == "en" else text
    return out.format(**values) if values else out
