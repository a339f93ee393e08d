"""Photos of a case: checked by content (JPEG, PNG, WebP), at most 3 of at most 5 MB, stored under
unguessable names in the upload folder."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

from ..domain.errors import RuleViolation
from ..models import Case, Photo

MAX_PHOTOS = 3
MAX_BYTES = 5 * 1024 * 1024
SIGNATURES = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png")}


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) by the file's first bytes, whatever its name or declared type says."""
    for magic, kind in SIGNATURES.items():
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def check(uploads: list[bytes]) -> list[tuple[bytes, str, str]]:
    """Every upload valid, or a RuleViolation naming the problem (nothing is stored)."""
    uploads = [data for data in uploads if data]
    if len(uploads) > MAX_PHOTOS:
        raise RuleViolation(f"最多上传 {MAX_PHOTOS} 张照片")
    checked = []
    for number, data in enumerate(uploads, start=1):
        if len(data) > MAX_BYTES:
            raise RuleViolation(f"第 {number} 张照片超过 5 MB")
        kind = sniff(data)
        if kind is None:
            raise RuleViolation(f"第 {number} 张不是 JPEG、PNG 或 WebP 图片")
        checked.append((data, *kind))
    return checked


def attach(case: Case, checked: list[tuple[bytes, str, str]], stage: str = "report") -> None:
    """Write the files and add their rows to the case (the caller commits)."""
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    for data, content_type, extension in checked:
        name = f"{secrets.token_urlsafe(18)}.{extension}"
        (folder / name).write_bytes(data)
        case.photos.append(Photo(stored_name=name, content_type=content_type, size=len(data), stage=stage))
