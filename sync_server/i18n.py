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
    "Dữ liệu gửi lên có ký tự không hợp lệ (ký tự NUL) ở ô “{name}”.":
        "What was sent holds a character that is not allowed (NUL) in “{name}”.",
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
    'chưa trả lời hết': 'not fully answered',
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
    # roster pages (sync_server.roster_pages, questionnaire_pages, roster_edit, photos)
    "Đơn vị, lĩnh vực, quầy": "Unit, fields, counters",
    "Bảng hỏi": "Questionnaires",
    "Phiên bản danh mục gửi ki-ốt": "Roster version sent to kiosks",
    "Đơn vị": "Unit",
    "Tên đơn vị": "Unit name",
    "Mã": "Code",
    "Tên": "Name",
    "Thứ tự": "Order",
    "Xóa": "Delete",
    "Chưa có lĩnh vực nào.": "No fields yet.",
    "Thêm lĩnh vực": "Add field",
    "Quầy": "Counters",
    "Mỗi quầy có mã dùng cho mã QR (/r/mã-quầy). Ki-ốt đặt ở quầy nhận chế độ và cán bộ của quầy.":
        "Each counter has a code for its QR code (/r/counter-code). A kiosk at a counter takes the "
        "counter's mode and officers.",
    "Chế độ": "Mode",
    "Cán bộ tại quầy": "Officers at the counter",
    "Một cán bộ": "One officer",
    "Nhiều cán bộ (người dân chọn)": "Several officers (the citizen chooses)",
    "Chưa có quầy nào.": "No counters yet.",
    "Thêm hoặc sửa quầy": "Add or edit a counter",
    "Mã quầy": "Counter code",
    "Tên quầy": "Counter name",
    "Ki-ốt đặt tại quầy": "Kiosk at this counter",
    "(không có)": "(none)",
    "Chưa có cán bộ nào.": "No officers yet.",
    "Lưu quầy": "Save counter",
    "Thủ tục hành chính": "Administrative procedures",
    "Mã quốc gia": "National code",
    "Tên thủ tục": "Procedure name",
    "Đang dùng": "In use",
    "Chưa có thủ tục nào.": "No procedures yet.",
    "Thêm hoặc sửa thủ tục": "Add or edit a procedure",
    "Nhập mã đã có để sửa thủ tục đó.": "Enter an existing code to edit that procedure.",
    "Lưu thủ tục": "Save procedure",
    "Ảnh": "Photo",
    "Họ tên": "Full name",
    "Đang làm việc": "Working",
    "Thêm cán bộ": "Add officer",
    "Mã cán bộ": "Officer code",
    "Lưu cán bộ": "Save officer",
    "Chưa có ảnh.": "No photo yet.",
    "Ảnh JPEG, PNG hoặc WebP, tối đa {n} MB": "A JPEG, PNG or WebP photo, at most {n} MB",
    "Tải ảnh lên": "Upload photo",
    "Ảnh được thu nhỏ (tối đa 400×400), bỏ thông tin EXIF, lưu trên máy chủ cho trang QR và áp phích; "
    "ảnh không gửi xuống ki-ốt.":
        "Photos are shrunk (400×400 at most), stripped of EXIF and kept on the server for the QR page "
        "and posters; they are not sent to the kiosks.",
    "Chưa có bảng hỏi nào: ki-ốt dùng câu hỏi chung có sẵn.":
        "No questionnaire yet: the kiosks use their built-in single question.",
    "Số câu hỏi": "Questions",
    "Xem / sửa": "View / edit",
    "Dùng bảng hỏi này": "Use this questionnaire",
    "Tạo từ mẫu": "Start from a preset",
    "Mẫu": "Preset",
    "Mã bảng hỏi (để trống: mã của mẫu)": "Questionnaire code (empty: the preset's code)",
    "Tạo": "Create",
    "phiên bản": "version",
    "đang dùng": "in use",
    "Sửa (lưu thành phiên bản mới)": "Edit (saved as a new version)",
    "Mỗi dòng: mã | câu tiếng Việt | câu tiếng Anh. Các phiếu đã nhận giữ phiên bản cũ.":
        "One per line: code | Vietnamese text | English text. Responses already received keep their version.",
    "Câu hỏi (tối đa {n})": "Questions (at most {n})",
    "Lý do chưa hài lòng (tối đa {n})": "Reasons for dissatisfaction (at most {n})",
    "Lưu phiên bản mới": "Save as a new version",
    "Một câu hỏi chung": "One overall question",
    "Năm tiêu chí (TT 01/2018)": "Five criteria (Circular 01/2018)",
    "Phiếu tám câu hỏi": "Eight-question form",
    "Đã lưu. Phiên bản danh mục gửi ki-ốt: {v}.": "Saved. Roster version sent to kiosks: {v}.",
    "Lĩnh vực '{code}' đang được {n} thủ tục/cán bộ dùng: chưa xóa được.":
        "Field '{code}' is used by {n} procedure(s)/officer(s): not deleted.",
    "Ki-ốt '{kiosk}' đã đặt ở quầy khác.": "Kiosk '{kiosk}' already stands at another counter.",
    "Chưa chọn tệp ảnh.": "No photo file chosen.",
    "Đã lưu ảnh.": "Photo saved.",
    "Đã tạo bảng hỏi '{qid}' phiên bản {v} (chưa dùng).":
        "Questionnaire '{qid}' version {v} created (not in use yet).",
    "Đã lưu phiên bản {v} của bảng hỏi '{qid}'. Phiên bản danh mục gửi ki-ốt: {rv}.":
        "Saved version {v} of questionnaire '{qid}'. Roster version sent to kiosks: {rv}.",
    "Ki-ốt sẽ dùng bảng hỏi '{qid}' phiên bản {v}. Phiên bản danh mục gửi ki-ốt: {rv}.":
        "Kiosks will use questionnaire '{qid}' version {v}. Roster version sent to kiosks: {rv}.",
    "{label}: không được để trống": "{label}: must not be empty",
    "{label}: dài quá {n} ký tự": "{label}: longer than {n} characters",
    "{label} '{value}': chỉ gồm chữ không dấu, số, '.', '_', '-' (tối đa 64 ký tự)":
        "{label} '{value}': use only letters without accents, digits, '.', '_', '-' (at most 64)",
    "'{value}' không phải có/không (1 hoặc 0)": "'{value}' is not yes/no (1 or 0)",
    "lĩnh vực '{code}' không tồn tại": "field '{code}' does not exist",
    "chế độ '{value}' không hợp lệ": "mode '{value}' is not valid",
    "cán bộ '{code}' không tồn tại": "officer '{code}' does not exist",
    "{label}: phải là số nguyên": "{label}: must be a whole number",
    "{what}: quá dài": "{what}: too long",
    "{what}: nhiều nhất {n} dòng": "{what}: at most {n} lines",
    "{what}, dòng {line}: {problem}": "{what}, line {line}: {problem}",
    "{what}, dòng {line}: mã '{code}' bị trùng": "{what}, line {line}: code '{code}' appears twice",
    "bảng hỏi không hợp lệ: {problem}": "the questionnaire is not valid: {problem}",
    "bảng hỏi phải có ít nhất một câu hỏi": "a questionnaire needs at least one question",
    "mẫu '{name}' không có": "there is no preset '{name}'",
    "mã": "code",
    "mã lĩnh vực": "field code",
    "tên lĩnh vực": "field name",
    "thứ tự": "order",
    "mã thủ tục": "procedure code",
    "tên thủ tục": "procedure name",
    "mã cán bộ": "officer code",
    "họ tên": "full name",
    "chức danh": "title",
    "mã quầy": "counter code",
    "tên quầy": "counter name",
    "mã ki-ốt": "kiosk id",
    "tên đơn vị": "unit name",
    "địa chỉ": "address",
    "mã bảng hỏi": "questionnaire code",
    "tiếng Việt": "Vietnamese",
    "tiếng Anh": "English",
    "Ảnh lớn quá {n} MB.": "The photo is larger than {n} MB.",
    "Ảnh phải là JPEG, PNG hoặc WebP.": "The photo must be a JPEG, PNG or WebP.",
    "Ảnh có quá nhiều điểm ảnh.": "The photo has too many pixels.",
    "Tệp ảnh bị hỏng hoặc không đọc được.": "The photo file is damaged or cannot be read.",
    "Tệp quá lớn": "File too large",
    "Tệp gửi lên lớn quá giới hạn của trang này.": "The uploaded file is larger than this page accepts.",
    # import (sync_server.import_pages, roster_import)
    "Nhập từ tệp": "Import from a file",
    "Nhập thủ tục hoặc cán bộ từ tệp": "Import procedures or officers from a file",
    "Chưa nhập gì: sửa các lỗi sau rồi tải tệp lên lại.":
        "Nothing was imported: fix these errors and upload the file again.",
    "Xem trước": "Preview",
    "dòng": "rows",
    "Dòng": "Row",
    "mới": "new",
    "cập nhật": "update",
    "Xác nhận nhập {n} dòng": "Confirm: import {n} rows",
    "Hủy": "Cancel",
    "Danh sách": "List",
    "Tệp CSV (UTF-8) hoặc XLSX, tối đa 1 MB": "A CSV (UTF-8) or XLSX file, at most 1 MB",
    "Dòng đầu là tiêu đề. Thủ tục: ma, ten, linh_vuc, dang_dung. Cán bộ: ma, ho_ten, chuc_danh, linh_vuc "
    "(nhiều mã cách nhau bằng ;), dang_lam_viec. Mã đã có thì được cập nhật. Một dòng lỗi thì không nhập "
    "dòng nào.":
        "The first row is the header. Procedures: ma, ten, linh_vuc, dang_dung. Officers: ma, ho_ten, "
        "chuc_danh, linh_vuc (several codes separated by ;), dang_lam_viec. Existing codes are updated. "
        "One bad row and no row is imported.",
    "Loại danh sách không hợp lệ.": "Not a valid list type.",
    "Chưa chọn tệp.": "No file chosen.",
    "Tệp đã tải lên không còn: vui lòng tải lên lại.": "The uploaded file is gone: please upload it again.",
    "Đã nhập {new} dòng mới, cập nhật {updated} dòng. Phiên bản danh mục gửi ki-ốt: {v}.":
        "Imported {new} new rows, updated {updated}. Roster version sent to kiosks: {v}.",
    "Tệp không còn hợp lệ: {problem}": "The file is no longer valid: {problem}",
    "Tệp lớn quá {n} MB.": "The file is larger than {n} MB.",
    "Tệp CSV phải được lưu với mã UTF-8 (trong Excel: CSV UTF-8).":
        "The CSV file must be saved as UTF-8 (in Excel: CSV UTF-8).",
    "Tệp không phải CSV hay XLSX đọc được.": "The file is not a readable CSV or XLSX.",
    "Thiếu cột '{col}' ở dòng tiêu đề.": "Column '{col}' is missing from the header row.",
    "Tệp không có dòng nào.": "The file has no rows.",
    "Tệp có quá {n} dòng.": "The file has more than {n} rows.",
    "Dòng {line}, cột '{col}': {problem}": "Row {line}, column '{col}': {problem}",
    "Dòng {line}: mã '{code}' đã có ở dòng {other}.": "Row {line}: code '{code}' is already on row {other}.",
    # fleet (sync_server.fleet_pages, fleet_edit)
    "Danh sách ki-ốt": "Kiosk list",
    "Mã ki-ốt": "Kiosk id",
    "Khóa truy cập": "Access token",
    "Khai báo trong server.toml": "Declared in server.toml",
    "Đã ngừng dùng": "Retired",
    "Đang lấy dữ liệu": "Being pulled",
    "Chưa có ki-ốt nào.": "No kiosks yet.",
    "Thêm ki-ốt": "Add kiosk",
    "Mã ghép nối (trên màn hình quản trị của ki-ốt hoặc lệnh hailong-kiosk status)":
        "Pairing code (on the kiosk's admin screen or from hailong-kiosk status)",
    "Điền": "Fill in",
    "Địa chỉ (tên máy, tên.local hoặc IP)": "Address (host name, name.local or IP)",
    "Cổng": "Port",
    "Khóa truy cập ([api] token của ki-ốt)": "Access token (the kiosk's [api] token)",
    "để trống: lấy từ mã ghép nối": "empty: taken from the pairing code",
    "Khóa truy cập mới (để trống: giữ khóa hiện tại)": "New access token (empty: keep the current one)",
    "Ngừng dùng": "Retire",
    "Ki-ốt ngừng dùng không được lấy dữ liệu nữa; các phiếu đã nhận vẫn giữ nguyên.":
        "A retired kiosk is no longer pulled; the responses already received are kept.",
    "Ngừng dùng ki-ốt này": "Retire this kiosk",
    "Mã ki-ốt '{id}' đã có.": "Kiosk id '{id}' already exists.",
    "Đã thêm ki-ốt '{id}': máy chủ sẽ lấy dữ liệu ở lần tới.":
        "Kiosk '{id}' added: the server pulls it on its next round.",
    "Đã lưu ki-ốt '{id}'.": "Kiosk '{id}' saved.",
    "Ki-ốt '{id}' đã ngừng dùng: không lấy dữ liệu nữa, các phiếu đã nhận vẫn giữ.":
        "Kiosk '{id}' retired: no longer pulled, its responses are kept.",
    "tên": "name",
    "Địa chỉ phải là tên máy, tên.local hoặc địa chỉ IP.":
        "The address must be a host name, name.local or an IP address.",
    "Cổng phải là số từ 1 đến 65535.": "The port must be a number from 1 to 65535.",
    "Khóa truy cập phải dài {lo}–{hi} ký tự, không có khoảng trắng (lấy ở [api] token của ki-ốt).":
        "The access token must be {lo}–{hi} characters without spaces (the kiosk's [api] token).",
    "Mã quá dài, không phải mã ghép nối.": "Too long to be a pairing code.",
    "Mã ghép nối bắt đầu bằng 'hl1-'.": "A pairing code starts with 'hl1-'.",
    "Không phải mã ghép nối: hãy sao chép lại toàn bộ mã.": "Not a pairing code: copy it again, whole.",
    "Mã bị thiếu hoặc gõ sai: hãy sao chép lại toàn bộ mã.":
        "The code is incomplete or mistyped: copy it again, whole.",
    "Mã không chứa đủ mã ki-ốt, địa chỉ và khóa truy cập.":
        "The code does not hold a kiosk id, an address and a token.",
    "Mã ghép nối không hợp lệ.": "Not a valid pairing code.",
    # service alerts
    'Cảnh báo chất lượng phục vụ': 'Service alerts',
    'Quy tắc': 'Rule',
    'Không có cảnh báo nào cần xem.': 'No alert needs attention.',
    'Tất cả cảnh báo chất lượng phục vụ': 'All service alerts',
    'Lượt': 'Responses',
    'Câu trả lời mức 1–2': 'Answers scored 1–2',
    'Ghi nhận': 'Acknowledge',
    'Đã làm gì?': 'What was done?',
    'Nhận xét': 'Comment',
    'chưa ghi nhận': 'not acknowledged',
    'Chưa ghi nhận': 'Not acknowledged',
    'Đã ghi nhận': 'Acknowledged',
    'Chưa có.': 'None yet.',
    'Đã ghi nhận cảnh báo.': 'Alert acknowledged.',
    'Hãy ghi nhận xét: đã làm gì, hoặc vì sao không cần làm gì.':
        'Write a comment: what was done, or why nothing needs doing.',
    'Cảnh báo này đã được ghi nhận.': 'This alert was already acknowledged.',
    'Không có cảnh báo này.': 'There is no such alert.',
    ('Mỗi đợt điểm thấp liên tiếp của một cán bộ hoặc một quầy là một cảnh báo; cán bộ phụ trách ghi '
     'nhận kèm nhận xét (được ghi vào nhật ký).'):
        ('Each run of low scores for one officer or one counter is one alert; the person in charge '
         'acknowledges it with a comment (written to the audit log).'),
    # quotas, yearly report
    'Báo cáo năm':
        'Yearly report',
    'Báo cáo năm (Phụ lục 2)':
        'Yearly report (Appendix 2)',
    'Chưa đặt chỉ tiêu nào.':
        'No quota set yet.',
    'Chỉ tiêu số phiếu':
        'Form quotas',
    'Chỉ tiêu số phiếu theo lĩnh vực':
        'Form quotas per field',
    ('Các dòng có ô nhập do cán bộ ghi; các dòng khác được tính từ dữ liệu (không tính '
     'phiếu đã loại). Bấm “Lưu” để giữ phần đã ghi.'):
        ('Rows with a text box are written by staff; the others are computed from the data '
     '(excluded responses left out). Press “Save” to keep what you wrote.'),
    'Còn thiếu':
        'Missing',
    ('Số phiếu = số lượt đánh giá (mỗi lượt một phiếu) của lĩnh vực, '
     'trong khoảng ngày của chỉ tiêu; phiếu đã loại không được tính.'):
        ("Forms = responses (one per visit) of the field between the quota's "
     'dates; excluded responses are not counted.'),
    ('Phiếu không ghi thủ tục được tính vào lĩnh vực của cán bộ tiếp nhận khi cán bộ đó chỉ '
     'phụ trách một lĩnh vực.'):
        'A rating without a procedure counts in the field of the officer who served, when that '
        'officer has exactly one field.',
    'Thêm':
        'Add',
    'Thêm chỉ tiêu':
        'Add a quota',
    'Tiến độ':
        'Progress',
    'Tình trạng':
        'State',
    'Tất cả lĩnh vực':
        'All fields',
    'Từ ngày':
        'From',
    'Đến ngày':
        'To',
    'chậm so với tiến độ đều':
        'behind an even pace',
    'Đã có':
        'Collected',
    'Đã đủ':
        'Reached',
    'Đang lấy phiếu':
        'Collecting',
    'Hết hạn, chưa đủ':
        'Ended, not reached',
    'Chưa bắt đầu':
        'Not started',
    'Đã thêm chỉ tiêu.':
        'Quota added.',
    'Đã xóa chỉ tiêu.':
        'Quota deleted.',
    'Đã lưu báo cáo năm.':
        'Yearly report saved.',
    'Năm không hợp lệ: ví dụ 2026.':
        'Invalid year: e.g. 2026.',
    # public board
    'Kết quả đánh giá mức độ hài lòng': 'Satisfaction results',
    'Bộ phận Một cửa': 'One-stop counter',
    'Kết quả đánh giá mức độ hài lòng tháng': 'Satisfaction results for',
    'lượt đánh giá': 'responses',
    'hài lòng': 'satisfied',
    'Tháng này chưa có lượt đánh giá nào.': 'No responses yet this month.',
    'Theo cán bộ': 'By officer',
    'Khác': 'Other',
    'Lĩnh vực theo thủ tục người dân chọn.': 'Field from the procedure the citizen chose.',
    # partial responses, counted apart (reports.PARTIAL, reports.PARTIAL_HEADER)
    '(trong đó {k} chưa trả lời hết)': '({k} of them not fully answered)',
    'Trong đó chưa trả lời hết': 'Of which not fully answered',
    '“Khác”: không rõ lĩnh vực.': '“Other”: field unknown.',
    'Ý kiến của người dân được giữ kín; trang tự cập nhật 5 phút một lần.':
        "Citizens' answers are confidential; this page updates itself every 5 minutes.",
    # Officers' photos on the kiosks, per-counter kiosk settings (issue 11).
    "Chưa có ảnh để cho phép hiển thị.": "There is no photo to allow yet.",
    "Không đọc được tệp ảnh; xin tải ảnh lên lại.": "The photo file cannot be read; please upload it again.",
    "Ảnh được hiển thị công khai (ki-ốt, trang QR, áp phích) — cho phép bởi {who} lúc {when}.":
        "The photo is shown to the public (kiosk, QR page, posters) — allowed by {who} at {when}.",
    "Ảnh chưa được phép hiển thị công khai: ki-ốt, trang QR và áp phích chỉ ghi họ tên.":
        "The photo is not allowed for public display: the kiosk, QR page and posters show the name only.",
    "Ảnh được thu nhỏ (tối đa 400×400) và bỏ thông tin EXIF. Ảnh là dữ liệu cá nhân: chỉ hiển thị "
    "khi cán bộ đã đồng ý và quản trị cho phép.":
        "Photos are shrunk (at most 400×400) and stripped of EXIF data. A photo is personal data: it is "
        "shown only when the officer has agreed and an admin allows it.",
    "Thôi hiển thị ảnh công khai": "Stop showing the photo publicly",
    "Cho phép hiển thị ảnh công khai (cán bộ đã đồng ý)":
        "Allow the photo to be shown publicly (the officer has agreed)",
    "Ki-ốt hỏi thủ tục": "Kiosk asks the procedure",
    "Số liệu tháng trên ki-ốt": "Month figures on the kiosk",
    "Sửa": "Edit",
    "Sửa quầy": "Edit counter",
    "Ki-ốt tại quầy": "The kiosk at this counter",
    "Hỏi người dân đến làm thủ tục gì (sau khi đánh giá, chỉ trên màn hình cảm ứng)":
        "Ask which procedure the citizen came for (after the rating, touch screen only)",
    "Hiện số lượt đánh giá và tỷ lệ hài lòng của tháng trên màn hình chờ":
        "Show the month's number of ratings and share satisfied on the idle screen",
    "Đặt tại quầy: {name}.": "Stands at the counter: {name}.",
    "Chế độ, cán bộ, câu hỏi thủ tục và số liệu tháng của ki-ốt theo quầy này.":
        "The kiosk's mode, officers, procedure question and month figures follow this counter.",
    "Ki-ốt chưa đặt tại quầy nào: người dân tự chọn cán bộ. Đặt ki-ốt tại một quầy (Danh mục → Quầy) "
    "để chọn chế độ, hỏi thủ tục, hiện số liệu tháng.":
        "This kiosk stands at no counter: citizens choose the officer. Place it at a counter (Roster → "
        "Counters) to choose its mode, ask the procedure or show the month's figures.",
}

# The citizens' QR page and its staff pages keep their strings in their own module.
from sync_server.qr_strings import EN as _QR_EN  # noqa: E402

EN.update(_QR_EN)


def translate(text: str, lang: str, **values: object) -> str:
    out = EN.get(text, text) if lang == "en" else text
    return out.format(**values) if values else out
