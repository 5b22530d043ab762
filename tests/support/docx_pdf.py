"""A DOCX an office signs, rendered to PDF by LibreOffice and read back with poppler: the text
of each page (layout kept), each page's size, and page images in test-output/docx/ to look at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

OUT = Path(__file__).resolve().parents[2] / "test-output" / "docx"

NEEDS_OFFICE = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                                  reason="LibreOffice and poppler-utils are needed: deploy/dev/sysdeps.sh")


def render(client, url: str, name: str, tmp_path: Path) -> tuple[bytes, list[str], list[tuple[float, float]]]:
    """The DOCX, the text of each PDF page (layout kept) and each page's size in points."""
    data = client.get(url).get_data()
    docx = tmp_path / f"{name}.docx"
    docx.write_bytes(data)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / f"{name}.pdf"
    info = subprocess.run(["pdfinfo", "-l", "99", str(pdf)],
                          check=True, capture_output=True, text=True).stdout
    sizes = [tuple(float(x) for x in line.split(":", 1)[1].split("pts")[0].split(" x "))
             for line in info.splitlines() if line.startswith("Page") and "size:" in line]
    pages = [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], check=True,
                            capture_output=True, text=True).stdout for n in range(1, len(sizes) + 1)]
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(OUT / name)], check=True)
    return data, pages, sizes
