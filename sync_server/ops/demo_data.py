"""`hailong-server seed-demo`: a demo roster for one 2026 commune centre (NĐ 118/2025: the
Trung tâm Phục vụ hành chính công of a commune under its People's Committee, no district), with
two reception points (its main office and the office of a commune merged into it in 2025), so
that a fresh install shows something real. Safe to run again: roster rows are upserted to the
same values and kiosk settings are only created where missing (so a unit's own changes survive).

Procedure codes are those of the national procedure database (csdl.dichvucong.gov.vn). The
civil-status (hộ tịch) and certification (chứng thực) codes below are well known and were
cross-checked; codes marked "verify" were seen in a single third-party listing only, and
procedures given a local "dp-" code are ones whose national code we could not confirm: look
them up on csdl.dichvucong.gov.vn before using this list for a real unit.
"""

from __future__ import annotations

import json
from datetime import date

from kiosk.shared.protocol import BUILTIN_QUESTIONNAIRE
from sync_server.config import ServerConfig
from sync_server.db import write_transaction
from sync_server.db.models import (
    Counter,
    Field,
    KioskSetting,
    Officer,
    Procedure,
    Questionnaire,
    ReceptionPoint,
)
from sync_server.db.models.roster import MAIN_POINT
from sync_server.roster import build as roster
from sync_server.roster import unit as roster_unit

UNIT_NAME = "Trung tâm Phục vụ hành chính công xã Đại Lãnh"
# The unit as /roster holds it (sync_server.roster.unit). Đại Lãnh (Khánh Hòa) is an example: its
# official codes are left blank, as a real centre leaves them until the province gives them.
UNIT = {"kind": "xa", "place": "Đại Lãnh", "name": UNIT_NAME, "superior": "UBND xã Đại Lãnh",
        "province": "Khánh Hòa", "province_code": "", "commune_code": "",
        "address": "Xã Đại Lãnh, tỉnh Khánh Hòa", "signer_title": "Giám đốc"}

# The reception points (sync_server.roster.points): the main office (migration 18 made it) and a
# point in the office of a commune merged into Đại Lãnh on 1 July 2025. "Vạn Thọ" is an example:
# a real centre types its own former communes from its merger resolution (with their codes).
POINTS = [
    {"code": MAIN_POINT, "name": "Trụ sở Trung tâm (xã Đại Lãnh)", "address": "Xã Đại Lãnh, tỉnh Khánh Hòa",
     "sort": 0, "former_name": "", "former_code": "", "merged_on": None},
    {"code": "van-tho", "name": "Điểm tiếp nhận Vạn Thọ", "address": "Trụ sở cũ của UBND xã Vạn Thọ",
     "sort": 1, "former_name": "xã Vạn Thọ", "former_code": "", "merged_on": date(2025, 7, 1)},
]
# The outlying point's counter: no kiosk there in the demo; its QR code /r/vt-1 rates at that point.
POINT_COUNTER = {"code": "vt-1", "name": "Quầy tiếp nhận Vạn Thọ", "kiosk_id": None, "mode": "shared",
                 "officers": json.dumps(["nv-tuan", "nv-mai"]), "sort": 100, "point": "van-tho"}

# The centre's desk fields (codes kept from seed 002, names after the 2025 commune departments:
# Văn phòng HĐND và UBND, Phòng Kinh tế, Phòng Văn hóa – Xã hội).
FIELDS = [
    ("tu-phap", "Tư pháp – Hộ tịch"),
    ("dia-chinh", "Kinh tế – Đất đai – Xây dựng"),
    ("van-hoa-xh", "Văn hóa – Xã hội"),
    ("van-phong", "Văn phòng HĐND và UBND"),
]

# (code, name, title, fields)
OFFICERS = [
    ("nv-lan", "Nguyễn Thị Lan", "Công chức Tư pháp – Hộ tịch", ["tu-phap"]),
    ("nv-hung", "Trần Văn Hùng", "Công chức Tư pháp – Hộ tịch", ["tu-phap"]),
    ("nv-minh", "Lê Quang Minh", "Công chức Phòng Kinh tế (đất đai – xây dựng)", ["dia-chinh"]),
    ("nv-hoa", "Phạm Thị Hoa", "Công chức Phòng Văn hóa – Xã hội", ["van-hoa-xh"]),
    ("nv-tuan", "Võ Minh Tuấn", "Công chức Phòng Văn hóa – Xã hội (lao động, bảo trợ xã hội)",
     ["van-hoa-xh"]),
    ("nv-mai", "Đặng Thị Mai", "Công chức Văn phòng HĐND và UBND", ["van-phong"]),
]

# (code, name, field)
PROCEDURES = [
    ("1.001193", "Thủ tục đăng ký khai sinh", "tu-phap"),
    ("1.000689", "Thủ tục đăng ký khai sinh kết hợp nhận cha, mẹ, con", "tu-phap"),
    ("1.004884", "Thủ tục đăng ký lại khai sinh", "tu-phap"),
    ("1.000894", "Thủ tục đăng ký kết hôn", "tu-phap"),
    ("1.004746", "Thủ tục đăng ký lại kết hôn", "tu-phap"),
    ("1.000656", "Thủ tục đăng ký khai tử", "tu-phap"),
    ("1.005461", "Thủ tục đăng ký lại khai tử", "tu-phap"),
    ("1.001022", "Thủ tục đăng ký nhận cha, mẹ, con", "tu-phap"),
    ("1.004837", "Thủ tục đăng ký giám hộ", "tu-phap"),
    ("1.004845", "Thủ tục đăng ký chấm dứt giám hộ", "tu-phap"),
    ("1.004859", "Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch", "tu-phap"),
    ("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "tu-phap"),
    ("2.000635", "Thủ tục cấp bản sao Trích lục hộ tịch", "tu-phap"),
    ("2.000815", "Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm "
                 "quyền của Việt Nam cấp hoặc chứng nhận", "tu-phap"),
    ("2.000884", "Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản", "tu-phap"),
    # verify: seen in one third-party listing only.
    ("1.001699", "Thủ tục xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
     "van-hoa-xh"),
    # verify: seen in one third-party listing only.
    ("1.001776", "Thủ tục thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng",
     "van-hoa-xh"),
    # Local codes: national code not confirmed (the commune-level land and construction
    # procedures were renumbered in 2025).
    ("dp-hoa-giai-dat", "Hòa giải tranh chấp đất đai", "dia-chinh"),
    ("dp-xac-nhan-dat", "Xác nhận nguồn gốc, hiện trạng sử dụng đất", "dia-chinh"),
    ("dp-tiep-nhan-don", "Tiếp nhận đơn kiến nghị, phản ánh của công dân", "van-phong"),
]


def _upsert(model, key_field, rows: list[dict]) -> None:
    for row in rows:
        key = row[key_field.name]
        if model.get_or_none(key_field == key) is None:
            model.create(**row)
        else:
            model.update(**{k: v for k, v in row.items() if k != key_field.name}).where(
                key_field == key).execute()


def seed(config: ServerConfig) -> int:
    """Load the demo roster; returns the roster version after it."""
    with write_transaction():
        roster_unit.save(UNIT)
        _upsert(Field, Field.code, [{"code": c, "name": n, "sort": i} for i, (c, n) in enumerate(FIELDS)])
        _upsert(Officer, Officer.code, [
            {"code": c, "name": n, "title": t, "fields": json.dumps(f), "active": True, "sort": i}
            for i, (c, n, t, f) in enumerate(OFFICERS)])
        _upsert(Procedure, Procedure.code, [
            {"code": c, "name": n, "field": f, "active": True, "sort": i}
            for i, (c, n, f) in enumerate(PROCEDURES)])
        q = BUILTIN_QUESTIONNAIRE
        if Questionnaire.get_or_none(qid=q["id"], version=q["version"]) is None:
            Questionnaire.create(qid=q["id"], version=q["version"], active=True,
                                 document=json.dumps(q, ensure_ascii=False))
        # A counter per kiosk with one officer on duty, in turn, whose kiosk asks for the
        # procedure (reports by procedure and field need it); a kiosk already set up keeps its own.
        for i, kiosk in enumerate(config.kiosks):
            if (KioskSetting.get_or_none(KioskSetting.kiosk_id == kiosk.id) is None
                    and Counter.get_or_none(Counter.kiosk_id == kiosk.id) is None
                    and Counter.get_or_none(Counter.code == kiosk.id) is None):
                officer = OFFICERS[i % len(OFFICERS)][0]
                Counter.create(code=kiosk.id, name=f"Quầy số {i + 1}", kiosk_id=kiosk.id, mode="counter",
                               officers=json.dumps([officer]), sort=i, ask_procedure=True)
        # The points and the outlying counter only where missing: a unit's own changes survive.
        for point in POINTS:
            if ReceptionPoint.get_or_none(ReceptionPoint.code == point["code"]) is None:
                ReceptionPoint.create(**point)
            elif point["code"] == MAIN_POINT and ReceptionPoint.get_by_id(MAIN_POINT).name == "Trụ sở chính":
                ReceptionPoint.update(name=point["name"], address=point["address"]).where(
                    ReceptionPoint.code == MAIN_POINT).execute()  # as migration 18 named it: the demo's name
        if Counter.get_or_none(Counter.code == POINT_COUNTER["code"]) is None:
            Counter.create(**POINT_COUNTER)
    return roster.touch(config)
