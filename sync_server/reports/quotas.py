"""Sampling quotas (seed 002: 30 forms for each of three fields between 01/04 and 31/10): the
targets staff set, and the progress of each from the report rollups, a form's field by the
reports' field rule (`reports.FIELD_RULE`). No Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sync_server.accounts import audit
from sync_server.db import write_transaction
from sync_server.db.models import Field, Quota
from sync_server.exc import InputError
from sync_server.i18n import N_
from sync_server.reports import queries as reports

MAX_TARGET = 1_000_000
MAX_LABEL = 200


@dataclass(frozen=True)
class Progress:
    quota: Quota
    field_name: str
    count: int  # responses (forms) for the field between start and end, exclusions left out
    today: date
    partial: int = 0  # of `count`, those left unfinished: shown apart (K10), still forms collected

    @property
    def pct(self) -> float:
        return min(100.0, 100.0 * self.count / self.quota.target)

    @property
    def remaining(self) -> int:
        return max(0, self.quota.target - self.count)

    @property
    def state(self) -> str:
        """done | open | late (the window is over and the target not reached) | not_started."""
        if self.count >= self.quota.target:
            return "done"
        if self.today > self.quota.end:
            return "late"
        if self.today < self.quota.start:
            return "not_started"
        return "open"

    @property
    def on_pace(self) -> bool | None:
        """Is the count at least where an even pace over the window would put it today?"""
        q = self.quota
        if self.state != "open":
            return None
        days = (q.end - q.start).days + 1
        elapsed = (self.today - q.start).days + 1
        return self.count >= q.target * elapsed / days


def progress(today: date) -> list[Progress]:
    names = {f.code: f.name for f in Field.select(Field.code, Field.name)}
    out = []
    for q in Quota.select().order_by(Quota.start.desc(), Quota.field_code):
        cells = reports.figures(reports.Filters(q.start, q.end), ("field",))
        mine = [cells.get((q.field_code,), reports.Cell())] if q.field_code else list(cells.values())
        out.append(Progress(q, names.get(q.field_code, q.field_code) if q.field_code else "Tất cả lĩnh vực",
                            sum(c.responses for c in mine), today, sum(c.partial for c in mine)))
    return out


def _parse(form: dict[str, str]) -> dict:
    field_code = (form.get("field") or "").strip()
    if field_code and not Field.select().where(Field.code == field_code).exists():
        raise InputError("Lĩnh vực '%(code)s' không tồn tại.", {"code": field_code[:64]})
    try:
        target = int((form.get("target") or "").strip())
    except ValueError:
        raise InputError("Ô “Chỉ tiêu”: hãy nhập một số nguyên, ví dụ 30.") from None
    if not 1 <= target <= MAX_TARGET:
        raise InputError("Ô “Chỉ tiêu”: từ 1 đến %(n)s.", {"n": MAX_TARGET})
    days = {}
    for key, name in (("start", N_("Từ ngày")), ("end", N_("Đến ngày"))):
        try:
            days[key] = date.fromisoformat((form.get(key) or "").strip())
        except ValueError:
            raise InputError("Ô “%(label)s”: dùng dạng năm-tháng-ngày, ví dụ 2026-04-01.",
                             {"label": name}) from None
    if days["end"] < days["start"]:
        raise InputError("“Đến ngày” đứng trước “Từ ngày”.")
    label = " ".join((form.get("label") or "").split())
    if len(label) > MAX_LABEL:
        raise InputError("Ô “Ghi chú”: dài quá %(n)s ký tự.", {"n": MAX_LABEL})
    return {"field_code": field_code, "target": target, "label": label, **days}


def add(form: dict[str, str], actor: str, role: str | None = None, ip: str | None = None) -> Quota:
    values = _parse(form)
    with write_transaction():
        quota = Quota.create(**values)
        audit.record(actor, "quota.add", f"quota:{quota.id}",
                     {k: str(v) for k, v in values.items()}, role=role, ip=ip)
    return quota


def delete(quota_id: int, actor: str, role: str | None = None, ip: str | None = None) -> None:
    with write_transaction():
        quota = Quota.get_or_none(Quota.id == quota_id)
        if quota is None:
            raise InputError("Không có chỉ tiêu này.")
        audit.record(actor, "quota.delete", f"quota:{quota_id}",
                     {"field_code": quota.field_code, "target": quota.target, "start": str(quota.start),
                      "end": str(quota.end)}, role=role, ip=ip)
        quota.delete_instance()
