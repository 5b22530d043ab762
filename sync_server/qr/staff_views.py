"""Staff pages of the QR page: printable posters (A4/A5) per officer and per counter, and
single-use tickets to hand to a citizen. Login and the staff role required."""

from __future__ import annotations

import io
from urllib.parse import urlencode, urlsplit

import qrcode
import qrcode.image.svg
from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from sync_server.accounts.access import audit_here, role_required
from sync_server.db import write_transaction
from sync_server.db.models import Counter, Officer, utcnow
from sync_server.extensions import get_config
from sync_server.qr import tickets as qr_tickets
from sync_server.qr.target import counters, resolve

bp = Blueprint("qr_staff", __name__, url_prefix="/qr")
SIZES = ("a4", "a5")
MAX_TICKETS = 40
# An address only this PC can open: a poster or ticket made with it sends phones nowhere.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


def only_here(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in LOCAL_HOSTS or host.startswith("127.") or host.endswith(".localhost")


def qr_svg(data: str) -> Markup:
    """The QR code as inline SVG (qrcode's path image: one <path>, crisp at any print size)."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(data)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    svg = out.getvalue().decode("utf-8")
    return Markup(svg[svg.index("<svg"):])  # without the XML declaration, to sit inside HTML


def page_url(code: str, ticket: str = "") -> str:
    """The address a phone on the office Wi-Fi opens: [qr] public_url, else this request's host."""
    base = get_config().qr.public_url or request.url_root.rstrip("/")
    return base + url_for("qr.form", code=code) + (("?" + urlencode({"t": ticket})) if ticket else "")


@bp.get("")
@role_required("staff")
def overview():
    officers = list(Officer.select().where(Officer.active).order_by(Officer.sort, Officer.code))
    names = dict(Counter.select(Counter.code, Counter.name).tuples())  # staff know counters by name
    return render_template("qr/staff.html", officers=officers, counters=counters(get_config()), names=names,
                           sizes=SIZES, max_tickets=MAX_TICKETS, title=_("Trang đánh giá qua mã QR"))


@bp.get("/poster/<code>")
@role_required("staff")
def poster(code: str):
    size = request.args.get("size", "a4")
    if size not in SIZES:
        abort(400, description=_("Khổ giấy phải là A4 hoặc A5."))
    target = resolve(code, get_config())
    if target is None:
        abort(404)
    url = page_url(target.code)
    officer = target.preselected if target.kind == "officer" else None
    counter = Counter.get_or_none(Counter.code == target.code) if target.kind == "counter" else None
    return render_template("qr/poster.html", target=target, officer=officer, url=url, qr=qr_svg(url),
                           size=size, wifi=get_config().qr.wifi_name, local=only_here(url),
                           counter_name=counter.name if counter else "", title=_("Áp phích mã QR"))


@bp.post("/tickets")
@role_required("staff")
def tickets():
    code = request.form.get("code", "")
    target = resolve(code, get_config())
    if target is None:
        abort(400, description=_("Không có cán bộ hay quầy mã “%(code)s”.", code=code[:64]))
    try:
        count = int(request.form.get("count", "1"))
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_TICKETS:
        abort(400, description=_("Số phiếu phải từ 1 đến %(n)s.", n=MAX_TICKETS))
    now = utcnow()
    made = [qr_tickets.printed(current_app.secret_key, now) for _i in range(count)]
    with write_transaction():
        audit_here("qr.tickets", target.code, {"count": count})
    items = [(t, page_url(target.code, t)) for t in made]
    return render_template("qr/tickets.html", target=target, items=[(t, u, qr_svg(u)) for t, u in items],
                           local=only_here(page_url(target.code)),
                           days=get_config().qr.printed_ticket_days, title=_("Phiếu đánh giá dùng một lần"))
