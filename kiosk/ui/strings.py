"""Every text the citizen sees, Vietnamese first, English available. No Kivy import."""

from __future__ import annotations

from kiosk.shared.protocol import SCORE_LABELS

PIN_DOT = "\u2022"  # one per PIN digit typed; Roboto has "•" (not "●", which drew a box)


def pin_mask(digits: int) -> str:
    """The PIN pad's line while typing: a dot per digit, spaced so that they can be counted."""
    return " ".join(PIN_DOT * digits)


STRINGS: dict[str, dict[str, str]] = {
    "default_unit": {"vi": "Bộ phận Một cửa", "en": "One-stop counter"},
    "officer_on_duty": {"vi": "Cán bộ tiếp nhận: {name}", "en": "Officer on duty: {name}"},
    "officers_on_duty": {"vi": "Cán bộ tiếp nhận: {names}", "en": "Officers on duty: {names}"},
    # The input hints, composed: "Chạm vào một khuôn mặt" + ", hoặc bấm nút" (only the inputs
    # this kiosk has: [kiosk] keypad, [gpio]) + " để chỉ đánh giá chung" on the officer grid.
    "touch_face": {"vi": "Chạm vào một khuôn mặt", "en": "Touch a face"},
    "touch_officer": {"vi": "Chạm vào tên cán bộ", "en": "Touch the officer's name"},
    "or_keypad": {"vi": ", hoặc bấm phím 1–5", "en": ", or press a key 1–5"},
    "or_buttons": {"vi": ", hoặc bấm nút", "en": ", or press a button"},
    "rate_in_general": {"vi": " để chỉ đánh giá chung", "en": " to rate in general"},
    "wake_notice": {"vi": "Xin chạm lại để đánh giá", "en": "Please touch again to rate"},
    "thanks_title": {"vi": "Xin cảm ơn Ông/Bà!", "en": "Thank you!"},
    "thanks_body": {
        "vi": "Ý kiến của Ông/Bà đã được ghi nhận.",
        "en": "Your rating has been recorded.",
    },
    "question_progress": {"vi": "Câu {n}/{total}", "en": "Question {n} of {total}"},
    # A yes/no question (roster schema 3): two buttons of the same look, touch only.
    "yes": {"vi": "Có", "en": "Yes"},
    "no": {"vi": "Không", "en": "No"},
    "touch_yes_no": {"vi": "Chạm vào Có hoặc Không", "en": "Touch Yes or No"},
    "privacy_close": {"vi": "Đóng", "en": "Close"},
    "skip": {"vi": "Bỏ qua", "en": "Skip"},
    "done": {"vi": "Xong", "en": "Done"},
    # The follow-up step: the same neutral question after every score (it reveals none).
    "reasons_title": {"vi": "Điều gì Ông/Bà quan tâm nhất hôm nay?",
                      "en": "What mattered most to you today?"},
    "reasons_hint": {"vi": "Có thể chọn nhiều ý, rồi bấm Xong", "en": "Choose any, then Done"},
    "procedure_title": {"vi": "Ông/Bà đến làm thủ tục gì?", "en": "Which procedure did you come for?"},
    "procedure_other": {"vi": "Khác / không rõ", "en": "Other / not sure"},
    "procedure_more": {"vi": "Thủ tục khác…", "en": "Other procedures…"},
    "procedure_back": {"vi": "‹ Trở lại", "en": "‹ Back"},
    "procedure_next": {"vi": "Trang sau ›", "en": "Next page ›"},
    "procedure_page": {"vi": "{field} · trang {n}/{total}", "en": "{field} · page {n} of {total}"},
    "procedure_no_field": {"vi": "Lĩnh vực khác", "en": "Other fields"},
    "choose_officer": {"vi": "Cán bộ nào đã tiếp Ông/Bà?", "en": "Which officer served you?"},
    "choose_again": {"vi": "Chọn lại cán bộ", "en": "Choose another officer"},
    "timeout_title": {"vi": "Ông/Bà còn tiếp tục không?", "en": "Are you still there?"},
    "timeout_continue": {"vi": "Tiếp tục", "en": "Continue"},
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
    "admin_tab_info": {"vi": "Thông tin", "en": "Status"},
    "admin_tab_duty": {"vi": "Cán bộ trực", "en": "On duty"},
    "admin_tab_test": {"vi": "Kiểm tra", "en": "Test"},
    "admin_tab_pairing": {"vi": "Mã ghép nối", "en": "Pairing"},
    "admin_kiosk": {"vi": "Máy: {id}    phiên bản {version}", "en": "Kiosk: {id}    version {version}"},
    "admin_ip": {"vi": "Địa chỉ IP: {ips}    cổng API: {port}", "en": "IP: {ips}    API port: {port}"},
    "admin_roster": {"vi": "Danh sách từ máy chủ: bản {version}", "en": "Roster: version {version}"},
    "admin_roster_none": {"vi": "Chưa nhận danh sách từ máy chủ", "en": "No roster from the server yet"},
    "admin_duty": {"vi": "Cán bộ trực: {names}", "en": "Officer on duty: {names}"},
    "admin_duty_local": {"vi": " (chọn tại máy)", "en": " (chosen here)"},
    "admin_nobody": {"vi": "chưa có", "en": "none"},
    "admin_stored": {"vi": "Đã lưu / máy chủ đã nhận: {stored} / {acked}",
                     "en": "Stored / acked by the server: {stored} / {acked}"},
    "admin_safe": {"vi": "    (có thể cài lại thẻ nhớ)", "en": "    (safe to re-image)"},
    "admin_contact": {"vi": "Máy chủ liên lạc lần cuối: {when}",
                      "en": "Last contact with the server: {when}"},
    "admin_never": {"vi": "chưa bao giờ", "en": "never"},
    "admin_clock": {"vi": "Đồng hồ: {when}", "en": "Clock: {when}"},
    "admin_not_synced": {"vi": "    (chưa đồng bộ giờ)", "en": "    (not synchronised)"},
    "admin_disk": {"vi": "Ổ đĩa còn trống: {mb} MB", "en": "Free disk: {mb} MB"},
    "admin_temp": {"vi": "    Nhiệt độ CPU: {c} °C", "en": "    CPU: {c} °C"},
    "admin_duty_roster": {"vi": "Theo máy chủ", "en": "As the server says"},
    "admin_duty_hint": {"vi": "Chọn cán bộ đang trực tại quầy này:",
                        "en": "Choose the officer on duty here:"},
    "admin_duty_no_roster": {"vi": "Chưa có danh sách cán bộ từ máy chủ.",
                             "en": "No officers yet: the server has not sent a roster."},
    # The server's own words for the way there (its menu, page and form), tested against them.
    "admin_pairing_hint": {"vi": "Trên máy chủ: \u201cDanh mục\u201d \u203a \u201cDanh sách ki-ốt\u201d "
                                 "\u203a \u201cThêm ki-ốt\u201d, nhập mã này:",
                           "en": "On the server: \u201cRoster\u201d \u203a \u201cKiosk list\u201d \u203a "
                                 "\u201cAdd kiosk\u201d, enter this code:"},
    "admin_button": {"vi": "Nút {score}", "en": "Button {score}"},
    "channel_touch": {"vi": "màn hình", "en": "screen"},
    "channel_keypad": {"vi": "bàn phím", "en": "keypad"},
    "channel_button": {"vi": "nút GPIO", "en": "GPIO button"},
    "admin_led_test": {"vi": "Thử đèn", "en": "Test LEDs"},
    "admin_led_none": {"vi": "Không có đèn GPIO", "en": "No GPIO LEDs"},
    "admin_led_on": {"vi": "Đang sáng: {what}", "en": "Lit: {what}"},
    "admin_led_done": {"vi": "Đã thử xong đèn", "en": "LED test done"},
    "admin_out_led": {"vi": "đèn xác nhận GPIO {pin}", "en": "confirmation LED GPIO {pin}"},
    "admin_out_buzzer": {"vi": "còi GPIO {pin}", "en": "buzzer GPIO {pin}"},
    "admin_out_status": {"vi": "đèn trạng thái GPIO {pin}", "en": "status LED GPIO {pin}"},
    "admin_brightness": {"vi": "Độ sáng: {percent}%", "en": "Brightness: {percent}%"},
    "admin_close": {"vi": "Đóng", "en": "Close"},
    "cancel": {"vi": "Huỷ", "en": "Cancel"},
    "clear": {"vi": "Xoá", "en": "Clear"},
    "stats": {"vi": "Tháng {month}: {count} lượt đánh giá, {percent}% hài lòng",
              "en": "{month_en}: {count} ratings, {percent}% satisfied"},
    "stats_none": {"vi": "Tháng {month}: chưa có lượt đánh giá", "en": "{month_en}: no ratings yet"},
    "stats_definition": {"vi": "% hài lòng = số đánh giá 4–5 / tổng số",
                         "en": "% satisfied = ratings 4–5 / all ratings"},
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
