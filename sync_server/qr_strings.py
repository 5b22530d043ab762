"""English for the QR page and its staff pages (merged into sync_server.i18n.EN)."""

from __future__ import annotations

EN: dict[str, str] = {
    # citizens' page
    "Đánh giá sự hài lòng": "Rate our service",
    "Cán bộ nào đã tiếp Ông/Bà?": "Which officer served you?",
    "Chạm vào ảnh hoặc tên của cán bộ.": "Touch the officer's photo or name.",
    "Không nhớ tên — đánh giá chung": "I don't remember — rate in general",
    "Chọn cán bộ": "Choose the officer",
    "Chọn cán bộ khác": "Choose another officer",
    "Cán bộ tiếp nhận": "Officer",
    "Câu {n}/{total}": "Question {n} of {total}",
    "Điều gì Ông/Bà quan tâm nhất hôm nay?": "What mattered most to you today?",
    "Câu nào không muốn trả lời, Ông/Bà có thể bỏ qua.":
        "You may skip any question you do not want to answer.",
    "‹ Quay lại": "‹ Back",
    "Tiếp ›": "Next ›",
    "Bỏ qua câu này ›": "Skip this question ›",
    "Xin chọn ít nhất một khuôn mặt trước khi gửi.": "Please choose at least one face before sending.",
    "Cán bộ khác": "Other officers",
    "Có thể chọn nhiều ý, hoặc bỏ qua.": "Choose any, or none.",
    "Ông/Bà đến làm thủ tục gì? (không bắt buộc)": "Which procedure did you come for? (optional)",
    "Gõ để tìm thủ tục": "Type to find a procedure",
    "Không chọn": "None",
    "Thủ tục khác": "Other procedures",
    "Họ và tên (không bắt buộc)": "Your name (optional)",
    "Gửi đánh giá": "Send",
    "Xin cảm ơn Ông/Bà!": "Thank you!",
    "Ý kiến của Ông/Bà đã được ghi nhận.": "Your rating has been recorded.",
    "Không gửi được đánh giá": "Your rating was not sent",
    "Câu {n}: mức đánh giá phải là một số từ 1 đến 5.":
        "Question {n}: the rating must be a number from 1 to 5.",
    "Lý do được gửi nhiều lần.": "A reason was sent more than once.",
    "Không có lý do mã “{code}”.": "There is no reason “{code}”.",
    "Không có cán bộ mã “{code}” ở đây.": "There is no officer “{code}” here.",
    "Không có thủ tục mã “{code}”.": "There is no procedure “{code}”.",
    "Trang này không nhận họ tên.": "This page does not take a name.",
    "Họ tên dài quá {n} ký tự.": "The name is longer than {n} characters.",
    "Dữ liệu gửi lên quá lớn.": "What was sent is too large.",
    "Trang đã mở khá lâu. Các lựa chọn của Ông/Bà vẫn được giữ: xin kiểm tra lại và bấm "
    "“Gửi đánh giá” một lần nữa.":
        "This page was open for a long time. Your choices are kept: please check them and press "
        "“Send” once more.",
    "Không tìm thấy mã này. Xin quét lại mã QR tại quầy hoặc hỏi cán bộ.":
        "This code was not found. Please scan the QR code at the counter again or ask an officer.",
    "Mã QR này không hợp lệ. Xin quét lại mã tại quầy hoặc hỏi cán bộ.":
        "This QR code is not valid. Please scan the code at the counter again or ask an officer.",
    "Mã QR này đã hết hạn. Xin lấy mã mới tại quầy.":
        "This QR code has expired. Please get a new one at the counter.",
    "Mã QR này đã được dùng để gửi một đánh giá. Mỗi mã chỉ dùng được một lần.":
        "This QR code was already used to send a rating. Each code works only once.",
    "Trang này cần mã QR dùng một lần: xin quét mã trên màn hình máy đánh giá hoặc trên phiếu do "
    "cán bộ phát.":
        "This page needs a single-use QR code: please scan the code on the kiosk's screen or on "
        "the ticket an officer gives you.",
    "Ông/Bà vừa gửi đánh giá cho cán bộ này. Xin thử lại sau khoảng {minutes} phút.":
        "You have just rated this officer. Please try again in about {minutes} min.",
    "{detail}": "{detail}",
    "Lần đến này đã được đánh giá tại máy. Mã QR này chỉ dùng để góp ý thêm.":
        "This visit was already rated at the kiosk. This QR code is only for adding to it.",
    # the thanks page
    "Cần phản ánh, kiến nghị?": "A complaint or a suggestion?",
    "Ông/Bà có thể liên hệ {unit}:": "You can contact {unit}:",
    "Đường dây nóng": "Hotline",
    "Địa chỉ": "Address",
    "‹ Về trang đầu": "‹ Back to the start",
    # "say more about this visit" (a version-2 ticket from the kiosk's thanks screen)
    "Góp ý thêm": "Tell us more",
    "Ông/Bà muốn nói thêm về lần đến hôm nay?": "Would you like to tell us more about today's visit?",
    "Đánh giá của Ông/Bà tại máy đã được ghi nhận. Ở đây Ông/Bà có thể góp ý thêm, nếu muốn.":
        "Your rating at the kiosk has been recorded. Here you can add more, if you wish.",
    "Ý kiến khác (không bắt buộc)": "Anything else? (optional)",
    "Tối đa {n} ký tự. Xin đừng ghi họ tên hay số điện thoại.":
        "At most {n} characters. Please do not write your name or phone number.",
    "Gửi góp ý": "Send",
    "Lời góp ý dài {count} ký tự, quá {n} ký tự: xin viết ngắn lại.":
        "Your comment has {count} characters, more than {n}: please shorten it.",
    "Xin chọn ít nhất một ý hoặc viết vài lời trước khi gửi.":
        "Please choose at least one topic or write a few words before sending.",
    "Mã QR này dùng để đánh giá, không dùng để góp ý thêm.":
        "This QR code is for a rating, not for adding to one.",
    "Trang đã mở khá lâu. Những gì Ông/Bà đã chọn và viết vẫn được giữ: xin bấm “Gửi góp ý” một lần nữa.":
        "This page was open for a long time. What you chose and wrote is kept: please press “Send” "
        "once more.",
    # staff pages
    "Mã QR": "QR code",
    "Trang đánh giá qua mã QR": "The QR rating page",
    "Người dân quét mã QR bằng điện thoại (qua Wi-Fi của cơ quan) để đánh giá khi ki-ốt hỏng hoặc "
    "đang có người dùng.":
        "Citizens scan a QR code with their phone (on the office Wi-Fi) to rate when the kiosk is "
        "broken or busy.",
    "Áp phích": "Posters",
    "Cán bộ": "Officer",
    "Quầy": "Counter",
    "In áp phích": "Print a poster",
    "Chưa có cán bộ nào trong danh mục.": "No officers in the roster yet.",
    "Chưa có quầy nào.": "No counters yet.",
    "In phiếu dùng một lần": "Print single-use tickets",
    "Mỗi phiếu có một mã QR chỉ gửi được một đánh giá: phát cho người dân sau khi giải quyết xong "
    "hồ sơ.":
        "Each ticket has a QR code that sends one rating only: hand it to a citizen once their "
        "file is done.",
    "Cán bộ hoặc quầy": "Officer or counter",
    "Số phiếu": "Number of tickets",
    "In phiếu": "Print tickets",
    "Không có cán bộ hay quầy mã “{code}”.": "There is no officer or counter “{code}”.",
    "Số phiếu phải từ 1 đến {n}.": "The number of tickets must be from 1 to {n}.",
    "Khổ giấy phải là A4 hoặc A5.": "The paper size must be A4 or A5.",
    "Áp phích mã QR": "QR poster",
    "In": "Print",
    "Khổ giấy": "Paper",
    "Ông/Bà hài lòng với sự phục vụ hôm nay?": "How satisfied are you with today's service?",
    "Kết nối Wi-Fi": "Connect to the Wi-Fi",
    "Mở máy ảnh của điện thoại và hướng vào mã QR.": "Open your phone's camera and point it at the QR code.",
    "Chạm vào đường dẫn hiện ra, chọn khuôn mặt đúng với cảm nhận, rồi bấm “Gửi đánh giá”.":
        "Touch the link that appears, choose the face that fits, then press “Send”.",
    "Phiếu đánh giá dùng một lần": "Single-use rating tickets",
    "Mỗi phiếu chỉ gửi được một đánh giá, trong {days} ngày.":
        "Each ticket sends one rating only, within {days} days.",
    "Quét mã để đánh giá sự hài lòng": "Scan to rate our service",
    "Mã dùng một lần": "Single-use code",
    # the topic report and the addenda on the responses list (staff)
    "Chủ đề người dân quan tâm": "Topics citizens raised",
    "Chủ đề người dân quan tâm, theo mức đánh giá": "Topics citizens raised, by score",
    "Chủ đề": "Topic",
    "Cộng (đánh giá)": "Sum (ratings)",
    "Thêm từ điện thoại": "Added on a phone",
    "Số lượt có chọn chủ đề": "Ratings with a topic",
    "Bộ câu hỏi đang dùng không có chủ đề nào.": "The questionnaire in use has no topics.",
    # health page
    "Phiếu nhận qua mã QR hôm nay": "Ratings through the QR page today",
    "7 ngày qua": "last 7 days",
    "Bị từ chối (7 ngày qua)": "Refused (last 7 days)",
    "Số lần": "Times",
    "Không có lần nào.": "None.",
    "Gửi lại quá sớm (giới hạn mỗi thiết bị)": "Sent again too soon (per-device limit)",
    "Mã dùng một lần đã được dùng": "Single-use code already used",
    "Mã không hợp lệ (giả mạo hoặc sai)": "Invalid code (forged or wrong)",
    "Mã đã hết hạn": "Expired code",
    "Thiếu mã dùng một lần": "Single-use code missing",
    "Dữ liệu gửi lên sai": "Bad input",
    "Mã cán bộ hay quầy không có": "Unknown officer or counter code",
    "Dữ liệu gửi lên quá lớn": "Too large",
}
