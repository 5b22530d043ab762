"""Questionnaire pages: the stored versions, the kiosk's three presets as starting points, editing
(a new version), and choosing the active one. Audited; the roster version follows."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kiosk.shared.presets import PRESETS
from sync_server.accounts.access import login_required, role_required
from sync_server.db import write_transaction
from sync_server.db.models import Questionnaire
from sync_server.exc import InputError
from sync_server.i18n import N_
from sync_server.roster import questionnaires as qe
from sync_server.roster.build import current_version
from sync_server.roster.changes import changed

bp = Blueprint("questionnaires", __name__, url_prefix="/roster/questionnaires")
PRESET_NAMES = {"overall": N_("Một câu hỏi chung"), "tieu-chi-5": N_("Năm tiêu chí (TT 01/2018)"),
                "phieu-8": N_("Phiếu tám câu hỏi"),
                "nd118": N_("Tiêu chí Nghị định 118/2025 (Điều 33.1, có câu hỏi có/không)")}


def _row(qn_id: int) -> Questionnaire:
    row = Questionnaire.get_or_none(Questionnaire.id == qn_id)
    if row is None:
        abort(404)
    return row


@bp.get("")
@login_required
def index():
    rows = list(Questionnaire.select().order_by(Questionnaire.qid, Questionnaire.version.desc()))
    docs = {r.id: json.loads(r.document) for r in rows}
    return render_template("roster/questionnaires.html", rows=rows, docs=docs, presets=PRESETS,
                           preset_names=PRESET_NAMES, version=current_version(), tab="questionnaires")


@bp.get("/<int:qn_id>")
@login_required
def edit(qn_id: int):
    row = _row(qn_id)
    doc = json.loads(row.document)
    return render_template("roster/questionnaire.html", row=row, doc=doc,
                           questions=qe.to_lines(doc.get("questions", [])),
                           reasons=qe.to_lines(doc.get("reasons", [])), limits=qe.LIMITS,
                           about={q["code"]: qe.about_of(row.qid, q) for q in doc.get("questions", [])},
                           about_names=qe.ABOUT_NAMES,
                           tab="questionnaires")


@bp.post("/preset")
@role_required("admin")
def from_preset():
    try:
        qid, questions, reasons = qe.from_preset(request.form.get("preset", ""),
                                                 request.form.get("qid", "").strip() or None)
        with write_transaction():
            row = qe.add_version(qid, questions, reasons, active=False)
            changed("questionnaire.create", f"{row.qid}@{row.version}",
                    {"preset": request.form.get("preset")})
    except InputError as e:
        flash(e.message(_), "error")
        return redirect(url_for("questionnaires.index"))
    flash(_("Đã tạo bảng hỏi '%(qid)s' phiên bản %(v)s (chưa dùng).", qid=row.qid, v=row.version))
    return redirect(url_for("questionnaires.edit", qn_id=row.id))


@bp.post("/<int:qn_id>")
@role_required("admin")
def save(qn_id: int):
    base = _row(qn_id)
    try:
        questions = qe.parse_lines(request.form.get("questions", ""), N_("Câu hỏi"), qe.LIMITS["questions"])
        reasons = qe.parse_lines(request.form.get("reasons", ""), "Lý do", qe.LIMITS["reasons"])
        chosen = {k[len("about-"):]: v for k, v in request.form.items() if k.startswith("about-")}
        qe.apply_about(base.qid, questions, chosen, json.loads(base.document).get("questions", []))
        with write_transaction():
            # Editing the one in use puts the new version in use: kiosks get it at the next pull.
            row = qe.add_version(base.qid, questions, reasons, active=base.active)
            version = changed("questionnaire.version", f"{row.qid}@{row.version}",
                              {"from": base.version, "questions": len(questions)})
    except InputError as e:
        flash(e.message(_), "error")
        return redirect(url_for("questionnaires.edit", qn_id=qn_id))
    flash(_("Đã lưu phiên bản %(v)s của bảng hỏi '%(qid)s'. Phiên bản danh mục gửi ki-ốt: %(rv)s.",
            v=row.version, qid=row.qid, rv=version))
    return redirect(url_for("questionnaires.edit", qn_id=row.id))


@bp.post("/<int:qn_id>/activate")
@role_required("admin")
def activate(qn_id: int):
    with write_transaction():
        row = _row(qn_id)
        qe.activate(row)
        version = changed("questionnaire.activate", f"{row.qid}@{row.version}")
    flash(_("Ki-ốt sẽ dùng bảng hỏi '%(qid)s' phiên bản %(v)s. Phiên bản danh mục gửi ki-ốt: %(rv)s.",
            qid=row.qid, v=row.version, rv=version))
    return redirect(url_for("questionnaires.index"))
