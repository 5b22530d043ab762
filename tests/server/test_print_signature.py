"""The signed print views in Chromium's print-to-PDF (issue 13): with thirty officers the table runs
over pages, and at every print scale the signature block is on the page where the table ends (it
stood alone on the last page before), the total is printed once, at the end, and "Số:" keeps the
room for the number written by hand. A real `hailong-server serve` on SQLite (the database does not
matter here); the PDFs go to test-output/print/ to look at."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sync_server.db import database, write_transaction
from sync_server.db.models import Officer, utcnow
from tests.support.chains import make_chain
from tests.support.responses import store_chain
from tests.support.server import free_port, server_toml
from tests.support.serving import browser_login, serving
from tests.support.web import PASSWORD, add_user

pytestmark = pytest.mark.e2e
OUT = Path(__file__).resolve().parents[2] / "test-output" / "print"
SIGNER = "Nguyễn Văn An"
FRAME = f'[unit]\nplace = "Đại Lãnh"\nsigner_title = "Giám đốc"\nsigner_name = "{SIGNER}"\n'
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hạnh", "Khánh", "Linh", "Nam", "Oanh"]
SCALES = [0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3]  # where the page breaks fall moves with the scale


@pytest.fixture
def served(make_config, tmp_path):
    cfg = make_config(extra=FRAME)
    codes = [f"nv-{i:02d}" for i in range(30)]
    with write_transaction():
        for i, code in enumerate(codes):
            Officer.create(code=code, name=f"Trần Thị {GIVEN[i % 10]} {i:02d}", fields="[]")
    rng = random.Random(13)
    start = datetime(utcnow().year, utcnow().month, 1) - timedelta(hours=7)
    span = max(60, int((utcnow() - start).total_seconds() // 60) - 5)

    def each(seq: int) -> dict:
        score = rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 6])[0]
        return {"officer": rng.choice(codes), "answers": {"q1": score},
                "recorded_at": (start + timedelta(minutes=rng.randrange(span))).isoformat(
                    timespec="milliseconds") + "+00:00"}

    store_chain(make_chain("store-p", 600, kiosk_id="quay-1", each=each), "quay-1", cfg)
    add_user("staff", "staff")
    database.close()
    port = free_port()
    path = tmp_path / "serve.toml"
    path.write_text(server_toml(cfg.data_dir, [], port=port, extra=FRAME), encoding="utf-8")
    with serving(path, port, "--no-pull") as base:
        yield base


def pages_of(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("name,url", [("officer-sheet", "/reports/officers?fmt=print"),
                                      ("by-officer", "/reports?period=month&by=officer&fmt=print")])
def test_the_signature_is_printed_on_the_page_where_the_table_ends(served, browser_page, name, url, tmp_path):
    p = browser_page
    browser_login(p, served, "staff", PASSWORD)
    p.goto(served + url)
    p.emulate_media(media="print")
    OUT.mkdir(parents=True, exist_ok=True)
    for scale in SCALES:
        pdf = tmp_path / f"{name}-{scale}.pdf"  # read back from here: another run may write OUT at once
        p.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, scale=scale)
        shutil.copy(pdf, OUT / pdf.name)
        pages = pages_of(pdf)
        assert len(pages) >= 2, (scale, "the table should run over pages with thirty officers")
        signed = [i for i, page in enumerate(pages) if SIGNER in page]
        totals = [i for i, page in enumerate(pages) if "Tổng cộng" in page]
        # The total once, on the signature's page (the by-report's charts may follow on their own pages).
        assert len(totals) == 1 and totals == signed, (scale, totals, signed)
        rows = [line for line in pages[signed[0]].splitlines() if re.search(r"Trần Thị \w+ \d\d", line)]
        assert rows, (scale, "no officer row on the signature's page")
        assert re.search(r"Số: {3,}/BC", pages[0]), (scale, "no room for the number after “Số:”")
