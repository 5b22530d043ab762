"""A roster for the QR page tests: two questions, reasons, fields and procedures, a counter with
two officers on duty and one officer alone."""

from __future__ import annotations

import json
import re

from sync_server.db.models import Field, KioskSetting, Officer, Procedure, Questionnaire

QUESTIONNAIRE = {
    "id": "tt01", "version": 2,
    "questions": [
        {"code": "q1", "text": {"vi": "Ông/Bà hài lòng với thái độ của cán bộ?",
                                "en": "The officer's manner?"}},
        {"code": "q2", "text": {"vi": "Ông/Bà hài lòng với thời gian giải quyết?",
                                "en": "The time it took?"}},
    ],
    "reasons": [
        {"code": "cho-lau", "text": {"vi": "Chờ lâu", "en": "Long wait"}},
        {"code": "thai-do", "text": {"vi": "Thái độ chưa tốt", "en": "Rude"}},
        {"code": "thieu-ht", "text": {"vi": "Hướng dẫn chưa rõ", "en": "Unclear guidance"}},
    ],
}


def seed_roster() -> None:
    Field.create(code="tu-phap", name="Tư pháp – Hộ tịch", sort=0)
    Field.create(code="dia-chinh", name="Địa chính – Xây dựng", sort=1)
    Officer.create(code="nv-lan", name="Nguyễn Thị Lan", title="Công chức Tư pháp – Hộ tịch", sort=0)
    Officer.create(code="nv-hung", name="Trần Văn Hùng", title="Công chức Tư pháp – Hộ tịch", sort=1)
    Officer.create(code="nv-minh", name="Lê Quang Minh", title="Công chức Địa chính", sort=2)
    Procedure.create(code="1.001193", name="Thủ tục đăng ký khai sinh", field="tu-phap")
    Procedure.create(code="1.000894", name="Thủ tục đăng ký kết hôn", field="tu-phap")
    Procedure.create(code="dp-hoa-giai-dat", name="Hòa giải tranh chấp đất đai", field="dia-chinh")
    Questionnaire.create(qid="tt01", version=2, active=True,
                         document=json.dumps(QUESTIONNAIRE, ensure_ascii=False))
    KioskSetting.create(kiosk_id="quay-1", mode="counter", officers_on_duty=json.dumps(["nv-lan", "nv-hung"]))


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
