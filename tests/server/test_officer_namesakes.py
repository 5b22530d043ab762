"""Two officers with the same name (common in Vietnam: "Nguyễn Văn An") are told apart wherever a
report prints officers' names — the code follows a shared name — so that figures that feed an
officer's grading are never read against the wrong person (sync_server.roster.names)."""

from __future__ import annotations

import csv
import io
from collections import Counter

from sync_server.app import create_app
from sync_server.db import write_transaction
from sync_server.db.models import Officer, Response
from sync_server.roster.names import distinct, officer_names
from tests.support.web import add_user, client_as


def test_a_shared_name_gets_the_code_and_a_unique_one_does_not():
    named = distinct([("nv-01", "Nguyễn Văn An"), ("nv-02", " nguyễn văn an"), ("nv-03", "Trần Thị Bình")])
    assert named == {"nv-01": "Nguyễn Văn An (nv-01)", "nv-02": " nguyễn văn an (nv-02)",
                     "nv-03": "Trần Thị Bình"}
    assert distinct([]) == {}


def _namesakes() -> tuple[str, str]:
    """The two officers with the most responses, renamed alike."""
    busiest = Counter(r.officer for r in Response.select(Response.officer) if r.officer).most_common(2)
    a, b = (code for code, _ in busiest)
    with write_transaction():
        Officer.update(name="Nguyễn Văn An").where(Officer.code.in_([a, b])).execute()
    return a, b


def test_the_report_by_officer_tells_namesakes_apart(month):
    cfg, today = month
    a, b = _namesakes()
    app = create_app(cfg)
    add_user("staff", "staff")
    client = client_as(app, "staff")
    url = f"/reports?period=custom&start={today.replace(day=1)}&end={today}&by=officer&fmt=csv"
    got = client.get(url)
    assert got.status_code == 200
    rows = list(csv.reader(io.StringIO(got.get_data(as_text=True).lstrip("\ufeff"))))
    labels = [row[0] for row in rows if row]
    assert f"Nguyễn Văn An ({a})" in labels and f"Nguyễn Văn An ({b})" in labels
    assert "Nguyễn Văn An" not in labels
    # Everyone else keeps a plain name, and an inactive namesake still tells the active one apart.
    assert all("(" not in name for code, name in officer_names().items() if code not in (a, b))
    with write_transaction():
        Officer.update(active=False).where(Officer.code == b).execute()
    assert officer_names(active_only=True)[a] == f"Nguyễn Văn An ({a})"
    assert b not in officer_names(active_only=True)
