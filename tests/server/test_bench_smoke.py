"""The benchmarks still run (tiny sizes; their figures are not checked, timings never asserted):
they build their baselines' rows by hand, so a new column can break one unseen until someone
measures — as the `assisted` column broke bench/server_pull.py's bulk insert after issue 14."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support.server import PG_SKIP, PG_URL, REPO

# (the command line, the ratio line each prints)
SMALL = [
    (("server_pull.py", "--responses", "300", "--runs", "1"), r"ratio pull/bulk: \d+\.\d+x"),
    (("report_query.py", "--responses", "3000"), r"dashboard, all four .* \d+\.\d×"),
    (("kiosk_commit.py", "--presses", "50"), r"ratio ours/raw: p50 \d+\.\d+x"),
    (("kiosk_stats.py", "--responses", "1000"), r"desk_stats/commit = \d"),
    (("qr_submit_cpu.py", "--before", "10"), r"ratio submit/static: \d+\.\dx"),
]


def run_bench(*args: str) -> str:
    done = subprocess.run([sys.executable, str(REPO / "bench" / args[0]), *args[1:]], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-3000:]
    return done.stdout


@pytest.mark.parametrize("args, ratio", SMALL, ids=[a[0] for a, _ in SMALL])
def test_the_benchmark_runs_and_prints_its_ratio(args, ratio):
    out = run_bench(*args)
    assert re.search(ratio, out), out[-1500:]


def test_the_hub_ingest_benchmark_runs_on_postgresql():
    if not PG_URL:
        pytest.skip(PG_SKIP)
    out = run_bench("hub_ingest.py", "--responses", "2000", "--communes", "3", "--database-url", PG_URL)
    assert re.search(r"ratio: \d+\.\d+x", out), out[-1500:]


def test_the_pull_benchmark_runs_on_postgresql_with_its_text_ahead_baseline():
    if not PG_URL:
        pytest.skip(PG_SKIP)
    out = run_bench("server_pull.py", "--responses", "300", "--runs", "1", "--text-ahead",
                    "--database-url", PG_URL)
    assert re.search(r"pull/that: best \d+\.\d+x", out), out[-1500:]


def test_the_hub_dashboard_benchmark_runs_on_postgresql():
    """Tiny: 3,300 communes, 5,000 responses; it checks its figures equal a naive GROUP BY's."""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    out = run_bench("hub_dashboard.py", "--responses", "5000", "--database-url", PG_URL)
    assert re.search(r"one province \(100 communes\), the year +ours +[\d,]+ ms", out), out[-1500:]
