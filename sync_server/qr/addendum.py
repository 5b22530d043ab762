""""Say more about this visit" (`/r/<code>?t=<version-2 ticket>`): the kiosk's thanks screen
shows a ticket that names the response just recorded (kiosk.qrticket); the phone then offers the
questionnaire's topic chips and a comment, never a second rating of the same visit (field test
K8). What the citizen adds is stored as an addendum of that response (sync_server.qr.store
.add_addendum), using the ticket in the same transaction. docs/server.md, "QR page".
"""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.db.models import utcnow
from sync_server.exc import Refused
from sync_server.extensions import get_config
from sync_server.qr import store as qr_store
from sync_server.qr import tickets as qr_tickets
from sync_server.qr.common import csrf_ok, refuse, topics_view
from sync_server.qr.form import MAX_COMMENT, AddendumChoices, InputError, read_addendum
from sync_server.qr.target import Target, resolve
from sync_server.roster.build import questionnaire


def page(target: Target, q: dict[str, Any], ticket: str, choices: AddendumChoices | None = None, *,
         problems: list[str] | None = None, notice: str = "", status: int = 200):
    html = render_template("qr/addendum.html", target=target, topics=topics_view(q), ticket=ticket,
                           choices=choices or AddendumChoices(), problems=problems or [], notice=notice,
                           max_comment=MAX_COMMENT, title=_("Góp ý thêm"))
    return html, status


def add(code: str):
    """The POST of the say-more page (routed by sync_server.qr.views)."""
    config = get_config()
    target = resolve(code[:64], config)
    if target is None:
        return refuse("unknown_code")
    q = questionnaire()
    try:
        choices, problems = read_addendum(request.form, q, _)
    except InputError as e:
        return refuse("bad_input", target, detail=e.message(_))
    ticket_text = request.form.get("t", "")
    if not ticket_text:
        return refuse("ticket_missing", target)
    now = utcnow()
    try:
        ticket, issued = qr_tickets.check(ticket_text, config, current_app.secret_key, now)
    except Refused as e:
        return refuse(e.reason, target)
    if ticket.response is None:  # a rating ticket: its page is the rating form, never this one
        return refuse("bad_input", target, detail=_("Mã QR này dùng để đánh giá, không dùng để góp ý thêm."))
    if not csrf_ok():
        return page(target, q, ticket_text, choices, notice=_(
            "Trang đã mở khá lâu. Những gì Ông/Bà đã chọn và viết vẫn được giữ: xin bấm “Gửi góp ý” "
            "một lần nữa."))
    if problems:
        return page(target, q, ticket_text, choices, problems=problems, status=400)
    try:
        qr_store.add_addendum(ticket, questionnaire=q, topics=choices.topics, comment=choices.comment,
                              tz=config.tz, now=now, issued_utc=issued or now)
    except qr_store.TicketUsed:
        return refuse("ticket_reused", target)
    return redirect(url_for("qr.thanks", code=target.code, them=1), 303)
