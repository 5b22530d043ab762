"""What the QR page's views share (sync_server.qr.views: the rating; sync_server.qr.addendum: "say
more about this visit"): the blueprint, the refusal page, the device cookie and the ticket check.

CSRF is checked by the views rather than by CSRFProtect, because a form left open for hours must
still submit: a stale token shows the form again with the choices kept and a fresh token.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask import Response, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import ValidationError, validate_csrf

from kiosk.shared.qrticket import Ticket
from sync_server.db.models import utcnow
from sync_server.exc import Refused
from sync_server.extensions import get_config
from sync_server.i18n import N_
from sync_server.qr import store as qr_store
from sync_server.qr import tickets as qr_tickets
from sync_server.qr.target import Target

MAX_BODY = 16 * 1024  # an honest form is well under 2 KB
DEVICE_COOKIE = "hl_qr"

MESSAGES = {
    "unknown_code": (404, N_("Không tìm thấy mã này. Xin quét lại mã QR tại quầy hoặc hỏi cán bộ.")),
    "ticket_forged": (403, N_("Mã QR này không hợp lệ. Xin quét lại mã tại quầy hoặc hỏi cán bộ.")),
    "ticket_expired": (410, N_("Mã QR này đã hết hạn. Xin lấy mã mới tại quầy.")),
    "ticket_reused": (409, N_("Mã QR này đã được dùng để gửi một đánh giá. Mỗi mã chỉ dùng được một lần.")),
    "ticket_missing": (403, N_("Trang này cần mã QR dùng một lần: xin quét mã trên màn hình máy đánh giá "
                            "hoặc trên phiếu do cán bộ phát.")),
    "limit": (429, N_("Ông/Bà vừa gửi đánh giá cho cán bộ này. Xin thử lại sau khoảng %(minutes)s phút.")),
    "bad_input": (400, ""),  # the view says what was wrong (`detail`, already translated)
    "too_large": (413, "Dữ liệu gửi lên quá lớn."),
}


def refuse(reason: str, target: Target | None = None, **values: Any):
    """Count the refusal and show the citizen why, in their language; nothing is stored."""
    config = get_config()
    qr_store.count_refusal(reason, tz=config.tz, now=utcnow())
    status, text = MESSAGES[reason]
    message = values["detail"] if reason == "bad_input" else _(text, **values)
    return render_template("qr/message.html", title=_("Không gửi được đánh giá"), message=message,
                           target=target), status


def local(text: dict[str, str]) -> str:
    """A questionnaire text in the page's language, Vietnamese when there is no translation."""
    return text.get(g.get("lang", "vi")) or text["vi"]


def topics_view(q: dict[str, Any]) -> list[dict[str, str]]:
    """The questionnaire's topic chips (its `reasons`) as the page shows them."""
    return [{"code": x["code"], "text": local(x["text"])} for x in q.get("reasons", [])]


def device_cookie(resp: Response) -> None:
    if not request.cookies.get(DEVICE_COOKIE):
        resp.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(16), max_age=400 * 86400, httponly=True,
                        samesite="Lax")


def no_store(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"  # a fresh CSRF token every time the page is shown
    return resp


def checked_ticket(text: str, now: datetime) -> tuple[Ticket | None, datetime | None]:
    """The checked ticket and its issuing time, (None, None) without one; raises
    Refused for a bad one, or for none in one-time mode."""
    config = get_config()
    if text:
        return qr_tickets.check(text, config, current_app.secret_key, now)
    if config.qr.one_time:
        raise Refused("ticket_missing")
    return None, None


def csrf_ok() -> bool:
    """Whether the posted form's CSRF token is good. A stale one is not the citizen's fault (the
    page stayed open, the phone slept): the view shows the page again, choices kept."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True
