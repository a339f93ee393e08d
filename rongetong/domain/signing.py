"""Signed HTTP between the service and partner systems: hex HMAC-SHA256 over "<timestamp>.<raw body>"."""
from __future__ import annotations

import hashlib
import hmac

from .errors import DomainError

MAX_SKEW_SECONDS = 300


class BadSignature(DomainError):
    status = 401
    code = "bad_signature"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float) -> None:
    """Refuse a missing or wrong signature, and a timestamp more than 5 minutes off (a replay)."""
    if not timestamp or not signature or not timestamp.isdigit():
        raise BadSignature("缺少签名或时间戳（X-Timestamp、X-Signature）")
    if abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        raise BadSignature("时间戳与服务器时间相差超过 5 分钟")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise BadSignature("签名错误")
