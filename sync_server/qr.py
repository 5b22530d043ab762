"""The citizens' QR page, `/r/<code>` (no login): rate the service from a phone on the office
Wi-Fi when the kiosk is broken or busy (seeds 001, 003). docs/server.md, "QR page".

One page holds every question (big faces, one tap each) and one "Gửi" button: an elderly
citizen scrolls, sees everything they are asked, and nothing is lost by the browser's back
button. The reasons step comes after a 1 or 2, as on the kiosk: inline with JavaScript, as a
short second page without it.

Against ballot stuffing: per device (cookie) and per IP address, at most `per_device`/`per_ip`
responses per officer (or counter) within `window_minutes`; and single-use tickets (the kiosk's
thanks screen, the staff's printed tickets), required when `[qr] one_time = true`. Every refusal
is counted per reason (sync_server.qr_store.count_refusal) for the health page.

CSRF: checked here rather than by CSRFProtect, because a form left open for hours must still
submit: a stale token shows the form again with the choices kept and a fresh token.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_wtf.csrf import ValidationError, validate_csrf

from kiosk.protocol import SCORE_LABELS
from kiosk.qrticket import Ticket
from sync_server import qr_store, qr_tickets, service_alerts
from sync_server.app import _, csrf, get_config
from sync_server.db import write_transaction
from sync_server.models import Officer, utcnow
from sync_server.qr_faces import face_svg, initials_svg
from sync_server.qr_form import NO_OFFICER, BadInput, Choices, read, response_fields
from sync_server.qr_target import PHOTO_TYPES, Target, initials, photo_path, procedure_groups, resolve
from sync_server.ratelimit import FailureLimiter
from sync_server.roster import questionnaire

log = logging.getLogger(__name__)

bp = Blueprint("qr", __name__)
csrf.exempt(bp)

MAX_BODY = 16 * 1024  # an honest form is well under 2 KB
DEVICE_COOKIE = "hl_qr"
SCORE_ORDER = (5, 4, 3, 2, 1)  # as the kiosk shows them by default (best first, the regulation's form)
_limit_lock = threading.Lock()

MESSAGES = {
    "unknown_code": (404, "Không tìm thấy mã này. Xin quét lại mã QR tại quầy hoặc hỏi cán bộ."),
    "ticket_forged": (403, "Mã QR này không hợp lệ. Xin quét lại mã tại quầy hoặc hỏi cán bộ."),
    "ticket_expired": (410, "Mã QR này đã hết hạn. Xin lấy mã mới tại quầy."),
    "ticket_reused": (409, "Mã QR này đã được dùng để gửi một đánh giá. Mỗi mã chỉ dùng được một lần."),
    "ticket_missing": (403, "Trang này cần mã QR dùng một lần: xin quét mã trên màn hình máy đánh giá "
                            "hoặc trên phiếu do cán bộ phát."),
    "limit": (429, "Ông/Bà vừa gửi đánh giá cho cán bộ này. Xin thử lại sau khoảng {minutes} phút."),
    "bad_input": (400, "{detail}"),
    "too_large": (413, "Dữ liệu gửi lên quá lớn."),
}


def _limiters() -> tuple[FailureLimiter, FailureLimiter]:
    qr = get_config().qr
    window = qr.window_minutes * 60
    ext = current_app.extensions
    if "hailong.qr_limits" not in ext:
        ext["hailong.qr_limits"] = (FailureLimiter(qr.per_device, window), FailureLimiter(qr.per_ip, window))
    return ext["hailong.qr_limits"]


def _refuse(reason: str, target: Target | None = None, **values: Any):
    """Count the refusal and show the citizen why, in their language; nothing is stored."""
    config = get_config()
    qr_store.count_refusal(reason, tz=config.tz, now=utcnow())
    status, text = MESSAGES[reason]
    message = _(text, **values) if values else _(text)
    return render_template("qr_message.html", title=_("Không gửi được đánh giá"), message=message,
                           target=target, bad=True), status


def _questionnaire_view(q: dict[str, Any]) -> dict[str, Any]:
    lang = g.get("lang", "vi")

    def local(text: dict[str, str]) -> str:
        return text.get(lang) or text["vi"]

    return {"questions": [{"code": x["code"], "text": local(x["text"])} for x in q["questions"]],
            "reasons": [{"code": x["code"], "text": local(x["text"])} for x in q.get("reasons", [])]}


def _render_form(target: Target, q: dict[str, Any], choices: Choices, ticket: str, *, step: str = "form",
                 problems: list[str] | None = None, notice: str = "", status: int = 200):
    lang = g.get("lang", "vi")
    labels = {s: SCORE_LABELS[s].get(lang) or SCORE_LABELS[s]["vi"] for s in SCORE_ORDER}
    officer = target.officer(choices.officer) if choices.officer else None
    html = render_template(
        "qr_form.html", target=target, officer=officer, q=_questionnaire_view(q), choices=choices,
        ticket=ticket, step=step, problems=problems or [], notice=notice, scores=SCORE_ORDER,
        labels=labels, groups=procedure_groups(), ask_name=get_config().qr.ask_name,
        no_officer=NO_OFFICER, title=_("Đánh giá sự hài lòng"))
    return html, status


def _device_cookie(resp: Response) -> None:
    if not request.cookies.get(DEVICE_COOKIE):
        resp.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(16), max_age=400 * 86400, httponly=True,
                        samesite="Lax")


def _ticket(text: str, now: datetime) -> tuple[Ticket | None, datetime | None]:
    """The checked ticket and its issuing time, (None, None) without one; raises
    qr_tickets.Refused for a bad one, or for none in one-time mode."""
    config = get_config()
    if text:
        return qr_tickets.check(text, config, current_app.secret_key, now)
    if config.qr.one_time:
        raise qr_tickets.Refused("ticket_missing")
    return None, None


@bp.before_request
def _small_bodies():
    if (request.content_length or 0) > MAX_BODY:
        return _refuse("too_large")
    return None


@bp.get("/r/<code>")
def form(code: str):
    target = resolve(code[:64], get_config())
    if target is None:
        return _refuse("unknown_code")
    ticket = request.args.get("t", "")
    try:
        _ticket(ticket, utcnow())
    except qr_tickets.Refused as e:
        return _refuse(e.reason, target)
    chosen = request.args.get("o")
    if target.preselected is None and target.officer(chosen) is None and chosen != NO_OFFICER:
        html = render_template("qr_officers.html", target=target, ticket=ticket,
                               no_officer=NO_OFFICER, title=_("Chọn cán bộ"))
        resp = current_app.make_response(html)
    else:
        officer = target.preselected or target.officer(chosen)
        choices = Choices(officer=officer.code if officer else None)
        resp = current_app.make_response(_render_form(target, questionnaire(), choices, ticket))
    _device_cookie(resp)
    resp.headers["Cache-Control"] = "no-store"  # a fresh CSRF token every time the page is shown
    return resp


@bp.post("/r/<code>")
def submit(code: str):
    config = get_config()
    target = resolve(code[:64], config)
    if target is None:
        return _refuse("unknown_code")
    q = questionnaire()
    groups = procedure_groups()
    procedures = {p.code for _name, items in groups for p in items}
    try:
        choices, problems = read(request.form, q, {o.code for o in target.officers}, procedures,
                                 config.qr.ask_name, _)
    except BadInput as e:
        return _refuse("bad_input", target, detail=str(e))
    ticket_text = request.form.get("t", "")
    now = utcnow()
    try:
        ticket, issued = _ticket(ticket_text, now)
    except qr_tickets.Refused as e:
        return _refuse(e.reason, target)

    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        # Not the citizen's fault (the page stayed open, the phone slept): show it again.
        return _render_form(target, q, choices, ticket_text, notice=_(
            "Trang đã mở khá lâu. Các lựa chọn của Ông/Bà vẫn được giữ: xin kiểm tra lại và bấm "
            "“Gửi đánh giá” một lần nữa."))
    if problems:
        return _render_form(target, q, choices, ticket_text, problems=problems, status=400)
    if choices.low and q.get("reasons") and not choices.reasons_seen:
        return _render_form(target, q, choices, ticket_text, step="reasons")

    subject = choices.officer or f"counter:{target.code}"
    if ticket is None:
        wait = _take_limit(subject)
        if wait > 0:
            return _refuse("limit", target, minutes=max(1, round(wait / 60)))
    flags = [f"qr:{target.kind}:{target.code}"] + (["qr:ticket"] if ticket else [])
    try:
        stored = qr_store.store(response_fields(choices, q, flags), tz=config.tz, now=now, ticket=ticket,
                                issued_utc=issued)
    except qr_store.TicketUsed:
        return _refuse("ticket_reused", target)
    try:  # a run of low scores for this officer shows on the dashboard as from the kiosks
        with write_transaction():
            service_alerts.scan([(stored["officer"], stored["kiosk_id"], now)],
                                config.service_alert_rule, now)
    except Exception:  # the response is stored; the alert is caught up by `scan-alerts` / at start
        log.exception("scanning a QR response for service alerts failed")
    resp = redirect(url_for("qr.thanks", code=target.code), 303)
    _device_cookie(resp)
    return resp


def _take_limit(subject: str) -> float:
    """Seconds this device must wait before rating `subject` again; 0 = go (and counted)."""
    if get_config().qr.window_minutes <= 0:
        return 0.0
    device, ip = _limiters()
    keys = [(ip, ("ip", request.remote_addr or "?", subject))]
    cookie = request.cookies.get(DEVICE_COOKIE, "")[:64]
    if cookie:
        keys.append((device, ("dev", cookie, subject)))
    with _limit_lock:  # check both and count both at once: two quick taps cannot both pass
        wait = max(limiter.retry_after(key) for limiter, key in keys)
        if wait <= 0:
            for limiter, key in keys:
                limiter.fail(key)
    return wait


@bp.get("/r/<code>/cam-on")
def thanks(code: str):
    target = resolve(code[:64], get_config())
    return render_template("qr_message.html", title=_("Xin cảm ơn Ông/Bà!"), target=target,
                           message=_("Ý kiến của Ông/Bà đã được ghi nhận."), bad=False)


@bp.get("/r/face/<int:score>.svg")
def face(score: int):
    if score not in SCORE_ORDER:
        abort(404)
    resp = Response(face_svg(score), mimetype="image/svg+xml")
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp


@bp.get("/r/photo/<code>")
def photo(code: str):
    officer = Officer.get_or_none((Officer.code == code[:64]) & Officer.active)
    if officer is None:
        abort(404)
    path = photo_path(officer, get_config().data_dir)
    if path is None:
        resp = Response(initials_svg(initials(officer.name)), mimetype="image/svg+xml")
    else:
        resp = send_file(path, mimetype=PHOTO_TYPES[path.suffix.lower()])
    resp.headers["Cache-Control"] = "public, max-age=3600"
    return resp
