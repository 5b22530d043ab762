"""Test images made with Pillow, and an officer photo uploaded through the real roster form."""

from __future__ import annotations

import io

from tests.support.web import csrf_token, page


def image(fmt: str, size: tuple[int, int], exif: bool = False) -> bytes:
    from PIL import Image

    img = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "CameraMaker"  # Make
        tags[0x0132] = "2026:01:02 03:04:05"  # DateTime
        img.save(out, fmt, exif=tags.tobytes())
    else:
        img.save(out, fmt)
    return out.getvalue()


def upload_photo(client, code: str, data: bytes, name: str):
    token = csrf_token(page(client, f"/roster/officers/{code}"))
    return client.post(f"/roster/officers/{code}/photo", content_type="multipart/form-data",
                       data={"csrf_token": token, "photo": (io.BytesIO(data), name)})


def mark_photo_public(client, code: str, public: bool = True):
    token = csrf_token(page(client, f"/roster/officers/{code}"))
    return client.post(f"/roster/officers/{code}/photo-public",
                       data={"csrf_token": token, "public": "1" if public else "0"})
