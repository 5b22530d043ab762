"""The error pages: every refusal a person sees is a page in their language, never a traceback."""

from __future__ import annotations

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(e: CSRFError):
        return render_template(
            "error.html", title=_("Biểu mẫu đã hết hạn"),
            message=_("Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại."),
            detail=e.description), 400

    @app.errorhandler(400)
    def _bad_request(e):
        # The pages say what was wrong (abort(400, description=…)): never a traceback.
        return render_template("error.html", title=_("Yêu cầu không hợp lệ"),
                               message=getattr(e, "description", "") or _("Yêu cầu không hợp lệ.")), 400

    @app.errorhandler(413)
    def _too_large(_e):
        if request.endpoint == "roster.upload_photo":  # back on the officer's page, with the menu
            limit = getattr(app.view_functions[request.endpoint], "upload_limit", 0) // (1024 * 1024)
            flash(_("Ảnh lớn hơn %(mb)s MB: hãy chọn ảnh nhỏ hơn (ảnh chụp bằng điện thoại thường "
                    "chỉ 2–4 MB).", mb=limit), "error")
            code = (request.view_args or {}).get("officer_code", "")
            return redirect(url_for("roster.officer", officer_code=code))
        if request.blueprint == "qr":  # a citizen's phone: no "file" was sent
            return render_template("error.html", title=_("Yêu cầu không hợp lệ"),
                                   message=_("Dữ liệu gửi lên quá lớn.")), 413
        return render_template("error.html", title=_("Tệp quá lớn"),
                               message=_("Tệp gửi lên lớn quá giới hạn của trang này.")), 413

    @app.errorhandler(403)
    def _forbidden(_e):
        return render_template("error.html", title=_("Không có quyền"),
                               message=_("Tài khoản của bạn không có quyền xem hoặc làm việc này.")), 403

    @app.errorhandler(404)
    def _not_found(_e):
        return render_template("error.html", title=_("Không tìm thấy trang"),
                               message=_("Không tìm thấy trang này.")), 404
