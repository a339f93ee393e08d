"""Query-string parsing shared by the endpoints (422 on a malformed value)."""
from __future__ import annotations

from flask import request

from .errors import ApiError


def int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ApiError(422, f"参数 {name} 须为 {low} 到 {high} 之间的整数", "validation_error")
    return int(raw)


def bool_arg(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() in ("0", "false", "no"):
        return False
    raise ApiError(422, f"参数 {name} 须为 true 或 false", "validation_error")


def choice_arg(name: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
    raw = request.args.get(name) or None
    if raw is None:
        return default
    if raw not in choices:
        raise ApiError(422, f"参数 {name} 须为 {' 或 '.join(choices)}", "validation_error")
    return raw


def page_args(default_per_page: int = 20) -> tuple[int, int]:
    return int_arg("page", 1, 1, 100_000), int_arg("per_page", default_per_page, 1, 200)
