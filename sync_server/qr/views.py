"""The citizens' QR page, `/r/<code>` (no login): rate the service from a phone on the office
Wi-Fi when the kiosk is broken or busy (seeds 001, 003). docs/server.md, "QR page".

Every question is optional, as on the kiosk; a response needs one answer. Without JavaScript
the questions are one page under one "Gửi" button (nothing is lost by the browser's back
button); with it, one question per screen (static/qr.js). The topic chips ("Điều gì Ông/Bà quan
tâm nhất hôm nay?") are offered after every score, the same for every score.

A version-2 ticket (the kiosk's thanks screen) names a response already recorded: it opens
"say more about this visit" (sync_server.qr.addendum), never a second rating.

Against ballot stuffing: per device (cookie) and per IP address, at most `per_device`/`per_ip`
responses per officer (or counter) within `window_minutes`, checked when the form is opened (so
nobody fills it in for nothing) and again at submit; and single-use tickets (the kiosk's thanks
screen, the staff's printed tickets), required when `[qr] one_time = true`. Every refusal is
counted per reason (sync_server.qr.store.count_refusal) for the health page.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from kiosk.shared import dossier, portal, privacy
from kiosk.shared.protocol import SCORE_LABELS, question_type
from sync_server.accounts.ratelimit import FailureLimiter
from sync_server.db.models import Officer, utcnow
from sync_server.exc import Refused
from sync_server.extensions import csrf, get_config
from sync_server.qr import addendum as qr_addendum
from sync_server.qr import store as qr_store
from sync_server.qr.common import (
    DEVICE_COOKIE,
    MAX_BODY,
    checked_ticket,
    csrf_ok,
    device_cookie,
    local,
    no_store,
    refuse,
    topics_view,
)
from sync_server.qr.faces import face_svg, initials_svg
from sync_server.qr.form import NO_OFFICER, Choices, InputError, contact_of, read, response_fields
from sync_server.qr.target import (
    PHOTO_TYPES,
    Target,
    active_procedures,
    initials,
    photo_path,
    procedure_groups,
    resolve,
)
from sync_server.roster.build import questionnaire, unit_name

bp = Blueprint("qr", __name__, url_prefix="/r")


@bp.context_processor
def _privacy() -> dict[str, Any]:
    """Every citizen's page carries the privacy notice (kiosk.shared.privacy)."""
    config = get_config()
    # The app's own context processor (web), which Flask runs first, has read the unit already.
    unit = g.get("unit_info")
    name = unit.name if unit is not None else unit_name(config)
    return {"privacy": privacy.notice(config.privacy, g.get("lang", "vi"), name),
            "privacy_name": config.qr.ask_name or config.qr.ask_phone,
            "privacy_dossier": config.qr.ask_dossier,
            "privacy_contact_days": config.qr.contact_days}
csrf.exempt(bp)  # the views check CSRF themselves: a stale form is shown again, never refused

__all__ = ["bp"]


@bp.before_request
def _small_bodies():
    if (request.content_length or 0) > MAX_BODY:
        return refuse("too_large")
    return None

SCORE_ORDER = (5, 4, 3, 2, 1)  # as the kiosk shows them by default (best first, the regulation's form)
CHOOSE = "chon"  # ?chon=1: the officer grid, also where one officer is preselected
_limit_lock = threading.Lock()


def _limiters() -> tuple[FailureLimiter, FailureLimiter]:
    qr = get_config().qr
    window = qr.window_minutes * 60
    ext = current_app.extensions
    if "hailong.qr_limits" not in ext:
        ext["hailong.qr_limits"] = (FailureLimiter(qr.per_device, window), FailureLimiter(qr.per_ip, window))
    return ext["hailong.qr_limits"]


def _render_form(target: Target, q: dict[str, Any], choices: Choices, ticket: str, *,
                 problems: list[str] | None = None, notice: str = "", status: int = 200):
    lang, config = g.get("lang", "vi"), get_config()
    labels = {s: SCORE_LABELS[s].get(lang) or SCORE_LABELS[s]["vi"] for s in SCORE_ORDER}
    officer = target.officer(choices.officer) if choices.officer else None
    html = render_template(
        "qr/form.html", target=target, officer=officer,
        questions=[{"code": x["code"], "text": local(x["text"]), "type": question_type(x)}
                   for x in q["questions"]],
        topics=topics_view(q), choices=choices, ticket=ticket, problems=problems or [], notice=notice,
        scores=SCORE_ORDER, labels=labels, groups=procedure_groups(officer),
        ask_name=config.qr.ask_name, ask_phone=config.qr.ask_phone, ask_dossier=config.qr.ask_dossier,
        contact_purpose=config.qr.contact_purpose_en if lang == "en" else config.qr.contact_purpose,
        contact_days=config.qr.contact_days, no_officer=NO_OFFICER, choose=CHOOSE,
        title=_("Đánh giá sự hài lòng"))
    return html, status


def _subject(target: Target, officer: str | None) -> str:
    """What the per-device limit counts: the officer rated, else the counter."""
    return officer or f"counter:{target.code}"


def _chosen_officer(target: Target, chosen: str | None) -> tuple[bool, Officer | None]:
    """(whether a form can be shown, the officer it rates) for ?o=<chosen>. An officer's own
    code always rates that officer; at a counter, `-` rates in general, an officer offered
    there rates them, and without a choice the one officer on duty is preselected."""
    if target.kind == "officer":
        return True, target.preselected
    if chosen == NO_OFFICER:
        return True, None
    officer = target.officer(chosen)
    if officer is not None:
        return True, officer
    return target.preselected is not None, target.preselected


@bp.get("/<code>")
def form(code: str):
    target = resolve(code[:64], get_config())
    if target is None:
        return refuse("unknown_code")
    ticket_text = request.args.get("t", "")
    try:
        ticket, _issued = checked_ticket(ticket_text, utcnow())
    except Refused as e:
        return refuse(e.reason, target)
    q = questionnaire()
    if ticket is not None and ticket.response is not None:  # the visit was rated at the kiosk
        resp = current_app.make_response(qr_addendum.page(target, q, ticket_text))
        return no_store(resp)
    show_form, officer = _chosen_officer(target, request.args.get("o"))
    if target.kind == "counter" and (request.args.get(CHOOSE) or not show_form):
        html = render_template("qr/officers.html", target=target, ticket=ticket_text,
                               no_officer=NO_OFFICER, title=_("Chọn cán bộ"))
        resp = current_app.make_response(html)
    else:
        subject = _subject(target, officer.code if officer else None)
        wait = _limit_wait(subject) if ticket is None else 0.0
        if wait > 0:  # say so now, before the citizen fills in the form for nothing (Q5)
            resp = current_app.make_response(refuse("limit", target, minutes=max(1, round(wait / 60))))
        else:
            choices = Choices(officer=officer.code if officer else None)
            resp = current_app.make_response(_render_form(target, q, choices, ticket_text))
    device_cookie(resp)
    return no_store(resp)


@bp.post("/<code>")
def submit(code: str):
    config = get_config()
    target = resolve(code[:64], config)
    if target is None:
        return refuse("unknown_code")
    q = questionnaire()
    procedures = active_procedures()
    try:
        choices, problems = read(request.form, q, {o.code for o in target.choosable}, procedures,
                                 config.qr.ask_name, _, ask_phone=config.qr.ask_phone,
                                 dossier_pattern=(dossier.compile_pattern(config.qr.dossier_pattern)
                                                  if config.qr.ask_dossier else None))
    except InputError as e:
        return refuse("bad_input", target, detail=e.message(_))
    ticket_text = request.form.get("t", "")
    now = utcnow()
    try:
        ticket, issued = checked_ticket(ticket_text, now)
    except Refused as e:
        return refuse(e.reason, target)
    if ticket is not None and ticket.response is not None:
        # This visit was rated at the kiosk: its ticket adds to that rating, never makes another.
        return refuse("bad_input", target, detail=_(
            "Lần đến này đã được đánh giá tại máy. Mã QR này chỉ dùng để góp ý thêm."))

    if not csrf_ok():
        return _render_form(target, q, choices, ticket_text, notice=_(
            "Trang đã mở khá lâu. Các lựa chọn của Ông/Bà vẫn được giữ: xin kiểm tra lại và bấm "
            "“Gửi đánh giá” một lần nữa."))
    if problems:
        return _render_form(target, q, choices, ticket_text, problems=problems, status=400)

    if ticket is None:
        wait = _take_limit(_subject(target, choices.officer))
        if wait > 0:
            return refuse("limit", target, minutes=max(1, round(wait / 60)))
    flags = ([f"qr:{target.kind}:{target.code}"] + (["qr:ticket"] if ticket else [])
             + (["assisted"] if choices.assisted else []))
    try:  # with the alert rule: a run of low scores shows on the dashboard as from the kiosks
        qr_store.store(response_fields(choices, q, flags), tz=config.tz, now=now, ticket=ticket,
                       issued_utc=issued, alert_rule=config.service_alert_rule,
                       contact=contact_of(choices, config.qr.contact_purpose),
                       dossier=choices.dossier or None)
    except qr_store.TicketUsed:
        return refuse("ticket_reused", target)
    resp = _see_thanks(target.code)
    device_cookie(resp)
    return resp


def _see_thanks(code: str) -> Response:
    """303 to the thanks page. Its URL is made once per code and mount point (url_for was a
    twentieth of a submit's CPU), and the answer has no body: every browser follows a 303, and
    werkzeug's HTML "Redirecting..." page was built on every submit for nobody."""
    urls = current_app.extensions.setdefault("hailong.qr_thanks_urls", {})
    key = (request.script_root, code)
    url = urls.get(key)
    if url is None:
        url = url_for("qr.thanks", code=code)
        if len(urls) < 1000:  # codes that resolved: the roster's, a few hundred at most
            urls[key] = url
    return Response(status=303, headers={"Location": url})


def _limit_keys(subject: str) -> list[tuple[FailureLimiter, tuple[str, str, str]]]:
    device, ip = _limiters()
    keys = [(ip, ("ip", request.remote_addr or "?", subject))]
    cookie = request.cookies.get(DEVICE_COOKIE, "")[:64]
    if cookie:
        keys.append((device, ("dev", cookie, subject)))
    return keys


def _limit_wait(subject: str) -> float:
    """Seconds this device must wait before rating `subject` again; nothing is counted."""
    if get_config().qr.window_minutes <= 0:
        return 0.0
    return max(limiter.retry_after(key) for limiter, key in _limit_keys(subject))


def _take_limit(subject: str) -> float:
    """Seconds this device must wait before rating `subject` again; 0 = go (and counted)."""
    if get_config().qr.window_minutes <= 0:
        return 0.0
    keys = _limit_keys(subject)
    with _limit_lock:  # check both and count both at once: two quick taps cannot both pass
        wait = max(limiter.retry_after(key) for limiter, key in keys)
        if wait <= 0:
            for limiter, key in keys:
                limiter.fail(key)
    return wait


@bp.get("/<code>/cam-on")
def thanks(code: str):
    """The same calm thanks whatever the scores (never a smile after a 1), with the unit's
    complaint channel when configured (seed 001: feedback channels are public)."""
    target = resolve(code[:64], get_config())
    qr = get_config().qr
    added = request.args.get("them") == "1"
    return render_template("qr/thanks.html", title=_("Xin cảm ơn Ông/Bà!"), target=target,
                           message=_("Ý kiến của Ông/Bà đã được ghi nhận."), phone=qr.complaint_phone,
                           tel="".join(c for c in qr.complaint_phone if c.isdigit() or c == "+"),
                           address=qr.complaint_address, back=target is not None and not added,
                           portal_line=portal.line(get_config().portal_invite, g.get("lang", "vi")))


@bp.get("/face/<int:score>.svg")
def face(score: int):
    if score not in SCORE_ORDER:
        abort(404)
    resp = Response(face_svg(score), mimetype="image/svg+xml")
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp


@bp.get("/photo/<code>")
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


@bp.post("/<code>/them")
def add(code: str):
    """Say more about a visit rated at the kiosk (sync_server.qr.addendum)."""
    return qr_addendum.add(code)
