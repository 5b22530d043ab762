"""The roster the kiosks receive: unit, fields, officers, procedures, questionnaires, counters,
kiosk settings, the fleet added from the web."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    IntegerField,
    TextField,
)

from sync_server.db.models.base import BaseModel, utcnow

# The reception point migration 18 made for what existed before points (every counter, kiosk
# and stored rating): a centre with one point never sees it named.
MAIN_POINT = "chinh"


class Unit(BaseModel):
    """The one-stop body itself (sync_server.roster.unit): `name` is its legal name, sent to the
    kiosks and shown in every page title, poster and letterhead."""

    id = AutoField()
    name = CharField()
    address = TextField(default="")  # migration 5: shown on the pages and posters, not sent to kiosks
    # Migration 13: the unit since NĐ 118/2025 (no district): its kind, the commune's own name,
    # the People's Committee above it, the province, the official codes, who signs its reports.
    kind = CharField(max_length=16, default="xa")
    place = CharField(max_length=200, default="")
    superior = CharField(max_length=200, default="")
    province = CharField(max_length=200, default="")
    province_code = CharField(max_length=8, default="")
    commune_code = CharField(max_length=8, default="")
    signer_title = CharField(max_length=200, default="Giám đốc")


class Field(BaseModel):
    """A desk field (lĩnh vực), e.g. Tư pháp – Hộ tịch."""

    code = CharField(primary_key=True, max_length=64)
    name = CharField()
    sort = IntegerField(default=0)


class Officer(BaseModel):
    code = CharField(primary_key=True, max_length=64)
    name = CharField()
    title = CharField(default="")
    fields = TextField(default="[]")  # JSON list of field codes
    photo = CharField(null=True)
    active = BooleanField(default=True)
    sort = IntegerField(default=0)
    # Migration 5: the uploaded photo's file under <data_dir>/photos (sync_server.roster.photos).
    photo_file = CharField(max_length=128, null=True)
    # Migration 9: the photo as kiosks receive it (by content hash), and whether an admin allowed
    # it to be shown to the public (kiosk, QR page, posters), who and when.
    photo_sha256 = CharField(max_length=64, null=True)
    photo_bytes = IntegerField(null=True)
    photo_public = BooleanField(default=False)
    photo_public_by = CharField(max_length=64, null=True)
    photo_public_at = DateTimeField(null=True)


class Procedure(BaseModel):
    code = CharField(primary_key=True, max_length=64)  # national code, e.g. 1.001193
    name = TextField()
    field = CharField(max_length=64, null=True)
    active = BooleanField(default=True)
    sort = IntegerField(default=0)


class Questionnaire(BaseModel):
    id = AutoField()
    qid = CharField(max_length=64)
    version = IntegerField()
    document = TextField()  # JSON {id, version, questions, reasons}
    active = BooleanField(default=False)

    class Meta:
        indexes = ((("qid", "version"), True),)


class KioskSetting(BaseModel):
    kiosk_id = CharField(primary_key=True, max_length=64)
    mode = CharField(max_length=16, default="counter")
    officers_on_duty = TextField(default="[]")  # JSON list of officer codes
    cooldown_s = IntegerField(null=True)
    ask_procedure = BooleanField(default=False)  # migration 9
    show_stats = BooleanField(default=False)


class Setting(BaseModel):
    """Small key/value state, e.g. the roster version counter and its content digest."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class Counter(BaseModel):
    """A counter (quầy) of the one-stop desk: the officers who sit there and, when a kiosk stands
    at it, that kiosk (whose roster then carries this counter's mode and officers on duty).
    `code` is what the QR page /r/<code> and the posters use."""

    code = CharField(primary_key=True, max_length=64)
    name = CharField(max_length=200)
    kiosk_id = CharField(max_length=64, null=True, unique=True)
    mode = CharField(max_length=16, default="counter")  # counter | shared (kiosk.protocol.MODES)
    officers = TextField(default="[]")  # JSON list of officer codes, in seat order
    sort = IntegerField(default=0)
    # Migration 9: the kiosk at this counter asks for the procedure / shows the month's figures.
    ask_procedure = BooleanField(default=False)
    show_stats = BooleanField(default=False)
    # Migration 18: the reception point (ReceptionPoint.code) this counter is part of.
    point = CharField(max_length=64, default=MAIN_POINT)


class ReceptionPoint(BaseModel):
    """A reception point (điểm tiếp nhận, NĐ 118/2025 Điều 7.3.b) of the centre: the main office
    and, e.g., the office of a commune merged in 2025 (sync_server.roster.points). Its counters and
    kiosks belong to it. `former_*`: the commune this point was before the merger (the pre-merger
    map): ratings its kiosks recorded before `merged_on` carry that old name in the reports."""

    code = CharField(primary_key=True, max_length=64)
    name = CharField(max_length=200)
    address = CharField(max_length=300, default="")
    sort = IntegerField(default=0)
    former_name = CharField(max_length=200, default="")  # "xã Vạn Thọ"
    former_code = CharField(max_length=8, default="")  # its 5-digit code on the old list
    merged_on = DateField(null=True)  # the day the merger took effect, e.g. 2025-07-01

    class Meta:
        table_name = "reception_point"


class KioskPoint(BaseModel):
    """The reception point of a kiosk that stands at no counter (one at a counter is where its
    counter is)."""

    kiosk_id = CharField(primary_key=True, max_length=64)
    point = CharField(max_length=64)

    class Meta:
        table_name = "kiosk_point"


class FleetKiosk(BaseModel):
    """A kiosk added from the web (server.toml [[kiosks]] keep working beside these). A retired
    kiosk is no longer pulled; its responses stay. `token` is the kiosk's API secret: never shown
    back in full, never logged."""

    id = CharField(primary_key=True, max_length=64)  # the kiosk_id
    name = CharField(max_length=200, default="")
    url = CharField(max_length=300)
    token = CharField(max_length=300)
    retired = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    retired_at = DateTimeField(null=True)
