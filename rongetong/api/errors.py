"""The API's one error format: ``{"error": {"code": "...", "message": "..."}}``."""
from __future__ import annotations

import logging

from flask import jsonify
from pydantic import ValidationError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..domain.errors import DomainError
from ..services import outbox

log = logging.getLogger(__name__)

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
              415: "unsupported_media_type", 422: "validation_error", 429: "rate_limited",
              500: "internal_error"}


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, details=None):
        super().__init__(message)
        self.status, self.message, self.details = status, message, details
        self.code = code or HTTP_CODES.get(status, "error")


def error_response(status: int, code: str, message: str, details=None):
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return jsonify(body), status


def register_error_handlers(bp) -> None:
    @bp.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @bp.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        outbox.rollback()
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @bp.errorhandler(ValidationError)
    def _validation_error(exc: ValidationError):
        details = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                   for e in exc.errors(include_url=False, include_input=False)]
        return error_response(422, "validation_error", "请求参数不合法", details)

    @bp.errorhandler(StaleDataError)
    def _stale(exc: StaleDataError):
        outbox.rollback()
        return error_response(409, "version_conflict", "诉求件已被他人同时更新，请刷新后重试")

    @bp.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return error_response(exc.code, HTTP_CODES.get(exc.code, "error"), exc.description or exc.name)

    @bp.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error in the API")
        outbox.rollback()
        return error_response(500, "internal_error", "服务器内部错误")
