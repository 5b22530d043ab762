"""A roster form that fails keeps what was typed (issue 13): the page comes back with the error
and every field as it was sent, once; the next visit shows the empty form again."""

from __future__ import annotations

import re

import pytest

from tests.support.web import csrf_token, page

SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def value(html: str, form: str, name: str) -> str:
    body = re.search(rf'id="{form}">(.*?)</form>', html, re.S).group(1)
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', body).group(1)


@SQLITE
def test_failed_roster_forms_come_back_as_typed(admin):
    token = csrf_token(page(admin, "/roster"))
    admin.post("/roster/fields", data={"csrf_token": token, "code": "tu-phap", "name": "Tư pháp – Hộ tịch"})
    r = admin.post("/roster/officers", data={"csrf_token": token, "code": "Nguyễn Lan!",
                                             "name": "Nguyễn Thị Lan", "title": "Công chức tư pháp",
                                             "fields": ["tu-phap"]})
    assert r.status_code == 302
    html = page(admin, "/roster/officers")
    assert 'class="flash error"' in html
    assert value(html, "officer-form", "code") == "Nguyễn Lan!"
    assert value(html, "officer-form", "name") == "Nguyễn Thị Lan"
    assert value(html, "officer-form", "title") == "Công chức tư pháp"
    assert re.search(r'value="tu-phap" checked', html)
    assert not re.search(r'name="active" value="1" checked', html)  # it was sent unticked
    again = page(admin, "/roster/officers")  # once only
    assert value(again, "officer-form", "name") == "" and 'class="flash error"' not in again

    admin.post("/roster/procedures", data={"csrf_token": token, "code": "", "name": "Đăng ký khai sinh",
                                           "field": "tu-phap", "active": "1"})
    html = page(admin, "/roster/procedures")
    assert value(html, "procedure-form", "name") == "Đăng ký khai sinh"
    assert '<option value="tu-phap" selected>' in html

    admin.post("/roster/fields", data={"csrf_token": token, "code": "Đất đai", "name": "Đất đai",
                                       "sort": "7"})
    html = page(admin, "/roster")
    assert (value(html, "field-form", "code"), value(html, "field-form", "sort")) == ("Đất đai", "7")


@SQLITE
def test_the_officer_page_comes_back_as_typed(admin):
    token = csrf_token(page(admin, "/roster"))
    admin.post("/roster/officers", data={"csrf_token": token, "code": "nv-lan", "name": "Nguyễn Thị Lan",
                                         "active": "1"})
    admin.post("/roster/officers", data={"csrf_token": token, "code": "nv-lan", "name": "",
                                         "title": "Phó giám đốc", "back": "officer", "active": "1"})
    html = page(admin, "/roster/officers/nv-lan")
    assert 'class="flash error"' in html and 'value="Phó giám đốc"' in html
    assert page(admin, "/roster/officers/nv-lan").count('value="Nguyễn Thị Lan"') == 1  # then as stored
