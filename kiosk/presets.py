"""The questionnaires shipped with hailong (pure data, shared by the kiosk and the server).

- `overall`: one question, the built-in default (DESIGN.md §2).
- `tieu-chi-5`: the five criteria of the Circular 01/2018/TT-VPCP form used by seed 000.
- `phieu-8`: the eight questions of the paper form of seed 004 (Appendix 1).

Reason chips ("why?") are offered after a score of 1 or 2; codes are stable, texts may change.
"""

from __future__ import annotations

import copy
from typing import Any

from kiosk.protocol import BUILTIN_QUESTIONNAIRE


def _q(code: str, vi: str, en: str) -> dict[str, Any]:
    return {"code": code, "text": {"vi": vi, "en": en}}


REASONS: list[dict[str, Any]] = [
    {"code": "wait", "text": {"vi": "Chờ lâu", "en": "Waited too long"}},
    {"code": "attitude", "text": {"vi": "Thái độ cán bộ", "en": "Officer's attitude"}},
    {"code": "guidance", "text": {"vi": "Hướng dẫn chưa rõ", "en": "Unclear guidance"}},
    {"code": "extra-papers", "text": {"vi": "Yêu cầu giấy tờ không cần thiết",
                                      "en": "Asked for papers not required"}},
    {"code": "late", "text": {"vi": "Trả kết quả trễ hẹn", "en": "Result later than promised"}},
    {"code": "facilities", "text": {"vi": "Cơ sở vật chất", "en": "Facilities"}},
]

PRESETS: dict[str, dict[str, Any]] = {
    # Exactly the built-in default (no reasons step: one press is one response).
    "overall": copy.deepcopy(BUILTIN_QUESTIONNAIRE),
    "tieu-chi-5": {
        "id": "tieu-chi-5",
        "version": 1,
        "questions": [
            _q("thoi-gian", "Thời gian giải quyết thủ tục so với quy định?",
               "Time to resolve the procedure, against the time the law allows?"),
            _q("thoi-gian-co-quan", "Thời gian của từng cơ quan tham gia giải quyết?",
               "Time taken by each agency involved?"),
            _q("so-lan-lien-he", "Số lần phải đi lại, liên hệ để hoàn thiện hồ sơ?",
               "How many times you had to come back or get in touch to complete the dossier?"),
            _q("so-co-quan", "Số cơ quan phải liên hệ để hoàn thiện hồ sơ?",
               "How many agencies you had to contact to complete the dossier?"),
            _q("thai-do", "Thái độ của cán bộ khi hướng dẫn, tiếp nhận, giải quyết hồ sơ?",
               "The officers' attitude when guiding, receiving and resolving the dossier?"),
        ],
        "reasons": copy.deepcopy(REASONS),
    },
    "phieu-8": {
        "id": "phieu-8",
        "version": 1,
        "questions": [
            _q("co-so-vat-chat", "Cơ sở vật chất nơi tiếp nhận (ghế ngồi, bàn viết, quạt, nhà vệ sinh)?",
               "Facilities at the desk (seats, desks, fans, toilets)?"),
            _q("cong-khai", "Thủ tục hành chính được niêm yết công khai, đầy đủ?",
               "Procedures posted publicly and completely?"),
            _q("thanh-phan-ho-so", "Thành phần hồ sơ, phí, lệ phí đúng quy định?",
               "Dossier components and fees as the rules say?"),
            _q("lich-su", "Cán bộ có thái độ lịch sự, đúng mực?",
               "The officer was polite and proper?"),
            _q("huong-dan", "Cán bộ hướng dẫn tận tình, dễ hiểu?",
               "The officer's guidance was thorough and easy to follow?"),
            _q("dung-hen", "Kết quả được trả đúng hẹn?", "Result returned on the promised date?"),
            _q("ket-qua-dung", "Kết quả đúng, đầy đủ?", "Result correct and complete?"),
            _q("gop-y", "Việc góp ý, phản ánh, kiến nghị thuận tiện?",
               "Easy to give feedback or complaints?"),
        ],
        "reasons": copy.deepcopy(REASONS),
    },
}
