"""The questionnaires shipped with hailong (pure data, shared by the kiosk and the server).

- `overall`: one question, the built-in default (DESIGN.md §2).
- `tieu-chi-5`: the five criteria of the Circular 01/2018/TT-VPCP form used by seed 000.
- `phieu-8`: the eight questions of the paper form of seed 004 (Appendix 1).
- `nd118`: what a citizen can judge at the desk among the criteria of Nghị định 118/2025/NĐ-CP
  Điều 33.1 (đ attitude first, answered from the idle screen; then c, b, d, a), in short plain
  words, and item e (charges beyond the rules) as a yes/no question (roster schema 3: kiosks
  that do not know the type never receive it; keys and buttons pass over it).

Topic chips (`reasons`) make the optional follow-up step "Điều gì Ông/Bà quan tâm nhất hôm
nay?", shown after every score of a session begun by touch: neutral topics, never "what went
wrong", so the step gives no score away. They are stored in a response's `reasons`; codes are
stable, texts may change. Each question says what it is `about` (kiosk.shared.protocol.ABOUT):
the reports count an officer's figures from the questions about the officer only; version 3 of
both forms added it (the built-in `overall` question is about the officer: "sự phục vụ hôm nay"
at the counter of the officer shown). Version 2 of both forms replaced version 1's complaint chips ("Chờ
lâu", "Yêu cầu giấy tờ không cần thiết", "Trả kết quả trễ hẹn", asked after a 1 or 2 only).
"""

from __future__ import annotations

import copy
from typing import Any

from kiosk.shared.protocol import BUILTIN_QUESTIONNAIRE, YES_NO


def _q(code: str, about: str, vi: str, en: str) -> dict[str, Any]:
    return {"code": code, "text": {"vi": vi, "en": en}, "about": about}


def _yes_no(code: str, about: str, vi: str, en: str) -> dict[str, Any]:
    return {**_q(code, about, vi, en), "type": YES_NO}


TOPICS: list[dict[str, Any]] = [
    {"code": "wait", "text": {"vi": "Thời gian chờ", "en": "Waiting time"}},
    {"code": "attitude", "text": {"vi": "Thái độ cán bộ", "en": "Officer's attitude"}},
    {"code": "guidance", "text": {"vi": "Hướng dẫn", "en": "Guidance"}},
    {"code": "paperwork", "text": {"vi": "Giấy tờ, thủ tục", "en": "Paperwork and procedure"}},
    {"code": "fees", "text": {"vi": "Phí, lệ phí", "en": "Fees and costs"}},
    {"code": "facilities", "text": {"vi": "Cơ sở vật chất", "en": "Facilities"}},
]

PRESETS: dict[str, dict[str, Any]] = {
    # Exactly the built-in default (no follow-up step: one press is one response).
    "overall": copy.deepcopy(BUILTIN_QUESTIONNAIRE),
    "tieu-chi-5": {
        "id": "tieu-chi-5",
        "version": 3,
        "questions": [
            _q("thoi-gian", "result", "Thời gian giải quyết thủ tục so với quy định?",
               "Time to resolve the procedure, against the time the law allows?"),
            _q("thoi-gian-co-quan", "procedure", "Thời gian của từng cơ quan tham gia giải quyết?",
               "Time taken by each agency involved?"),
            _q("so-lan-lien-he", "procedure", "Số lần phải đi lại, liên hệ để hoàn thiện hồ sơ?",
               "How many times you had to come back or get in touch to complete the dossier?"),
            _q("so-co-quan", "procedure", "Số cơ quan phải liên hệ để hoàn thiện hồ sơ?",
               "How many agencies you had to contact to complete the dossier?"),
            _q("thai-do", "officer", "Thái độ của cán bộ khi hướng dẫn, tiếp nhận, giải quyết hồ sơ?",
               "The officers' attitude when guiding, receiving and resolving the dossier?"),
        ],
        "reasons": copy.deepcopy(TOPICS),
    },
    "phieu-8": {
        "id": "phieu-8",
        "version": 3,
        "questions": [
            _q("co-so-vat-chat", "facilities",
               "Cơ sở vật chất nơi tiếp nhận (ghế ngồi, bàn viết, quạt, nhà vệ sinh)?",
               "Facilities at the desk (seats, desks, fans, toilets)?"),
            _q("cong-khai", "procedure", "Thủ tục hành chính được niêm yết công khai, đầy đủ?",
               "Procedures posted publicly and completely?"),
            _q("thanh-phan-ho-so", "procedure", "Thành phần hồ sơ, phí, lệ phí đúng quy định?",
               "Dossier components and fees as the rules say?"),
            _q("lich-su", "officer", "Cán bộ có thái độ lịch sự, đúng mực?",
               "The officer was polite and proper?"),
            _q("huong-dan", "officer", "Cán bộ hướng dẫn tận tình, dễ hiểu?",
               "The officer's guidance was thorough and easy to follow?"),
            _q("dung-hen", "result", "Kết quả được trả đúng hẹn?", "Result returned on the promised date?"),
            _q("ket-qua-dung", "result", "Kết quả đúng, đầy đủ?", "Result correct and complete?"),
            _q("gop-y", "centre", "Việc góp ý, phản ánh, kiến nghị thuận tiện?",
               "Easy to give feedback or complaints?"),
        ],
        "reasons": copy.deepcopy(TOPICS),
    },
    "nd118": {
        "id": "nd118",
        "version": 1,
        "questions": [
            _q("thai-do", "officer", "Thái độ của cán bộ khi tiếp Ông/Bà?",  # Điều 33.1.đ
               "The officer's manner when serving you?"),
            _q("so-lan-di-lai", "procedure", "Số lần Ông/Bà phải đi lại để làm xong hồ sơ?",  # 33.1.c
               "How many times you had to come to finish your papers?"),
            _q("so-noi-lien-he", "procedure", "Số nơi Ông/Bà phải đến để có đủ giấy tờ?",  # 33.1.b
               "How many offices you had to visit to get all the papers?"),
            _q("thong-tin", "procedure", "Thông tin về thủ tục có rõ ràng, đầy đủ?",  # 33.1.d
               "Was the information about the procedure clear and complete?"),
            _q("dung-hen", "result", "Kết quả có được trả đúng hẹn?",  # 33.1.a
               "Was the result ready on the promised day?"),
            _yes_no("chi-phi-ngoai", "officer",  # 33.1.e
                    "Ông/Bà có phải trả khoản tiền nào ngoài quy định không?",
                    "Did you have to pay anything beyond the official fees?"),
        ],
        "reasons": [],
    },
}
