"""Every text the citizen sees, Vietnamese first, English available. No Kivy import."""

from __future__ import annotations

from kiosk.protocol import SCORE_LABELS

STRINGS: dict[str, dict[str, str]] = {
    "default_unit": {"vi": "Bộ phận Một cửa", "en": "One-stop counter"},
    "officer_on_duty": {"vi": "Cán bộ tiếp nhận: {name}", "en": "Officer on duty: {name}"},
    "officers_on_duty": {"vi": "Cán bộ tiếp nhận: {names}", "en": "Officers on duty: {names}"},
    "hint": {
        "vi": "Chạm vào một khuôn mặt, hoặc bấm phím 1–5",
        "en": "Touch a face, or press a key 1–5",
    },
    "thanks_title": {"vi": "Xin cảm ơn Ông/Bà!", "en": "Thank you!"},
    "thanks_body": {
        "vi": "Ý kiến của Ông/Bà đã được ghi nhận.",
        "en": "Your rating has been recorded.",
    },
    "question_progress": {"vi": "Câu {n}/{total}", "en": "Question {n} of {total}"},
    "skip": {"vi": "Bỏ qua", "en": "Skip"},
    "done": {"vi": "Xong", "en": "Done"},
    "reasons_title": {"vi": "Vì sao Ông/Bà chưa hài lòng?", "en": "What went wrong?"},
    "reasons_hint": {"vi": "Có thể chọn nhiều ý, rồi bấm Xong", "en": "Choose any, then Done"},
    "procedure_title": {"vi": "Ông/Bà đến làm thủ tục gì?", "en": "Which procedure did you come for?"},
    "procedure_other": {"vi": "Khác", "en": "Other"},
    "choose_officer": {"vi": "Cán bộ nào đã tiếp Ông/Bà?", "en": "Which officer served you?"},
    "choose_officer_hint": {
        "vi": "Chạm vào tên cán bộ, hoặc bấm phím 1–5 để chỉ đánh giá chung",
        "en": "Touch the officer's name, or press a key 1–5 to rate in general",
    },
    "qr_hint": {"vi": "Quét mã để góp ý thêm trên điện thoại", "en": "Scan to say more on your phone"},
    "other_language": {"vi": "English", "en": "Tiếng Việt"},
    "admin_pin": {"vi": "Nhập mã PIN quản trị", "en": "Enter the admin PIN"},
    "admin_pin_wrong": {"vi": "Sai mã PIN", "en": "Wrong PIN"},
    "admin_pin_locked": {"vi": "Tạm khoá: thử lại sau {minutes} phút",
                         "en": "Locked: try again in {minutes} min"},
    "admin_title": {"vi": "Quản trị máy đánh giá", "en": "Kiosk administration"},
    "admin_button_test": {"vi": "Bấm thử một nút hoặc phím: {last}",
                          "en": "Press a button or key to test it: {last}"},
    "admin_restart": {"vi": "Khởi động lại", "en": "Restart app"},
    "admin_close": {"vi": "Đóng", "en": "Close"},
    "cancel": {"vi": "Huỷ", "en": "Cancel"},
    "clear": {"vi": "Xoá", "en": "Clear"},
    "store_failed": {
        "vi": "Máy đang gặp sự cố, chưa ghi được. Xin vui lòng báo cán bộ.",
        "en": "The kiosk has a problem and could not record this. Please tell the officer.",
    },
}


def text(key: str, language: str = "vi", **values: object) -> str:
    entry = STRINGS[key]
    return (entry.get(language) or entry["vi"]).format(**values)


def score_label(score: int, language: str = "vi") -> str:
    labels = SCORE_LABELS[score]
    return labels.get(language) or labels["vi"]
