"""Errors raised by domain rules; the API maps each to an HTTP status and error code."""


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidTransition(DomainError):
    """The case's state does not allow the action."""
    status = 409
    code = "invalid_transition"


class ActionForbidden(DomainError):
    """The actor's role (or unit) may not perform the action."""
    status = 403
    code = "forbidden"


class VersionConflict(DomainError):
    """Someone changed the case since the caller read it."""
    status = 409
    code = "version_conflict"


class RuleViolation(DomainError):
    """The request is well-formed but breaks a business rule (e.g. too many extensions)."""
    status = 422
    code = "rule_violation"


class NotFound(DomainError):
    status = 404
    code = "not_found"
