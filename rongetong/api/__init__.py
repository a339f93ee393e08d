"""The JSON API under /api/v1: parse, authorise, call a service, render."""
from flask import Blueprint

from .errors import register_error_handlers

bp = Blueprint("api", __name__, url_prefix="/api/v1")
register_error_handlers(bp)

from . import cases, geo, openapi, partners, public, reports, review, routing, stats, supervision, tokens, visits  # noqa: E402,F401,I001
from . import hotspots  # noqa: E402,F401,I001 - its static /stats/hotspots wins over /stats/<dimension>
from . import duplicates  # noqa: E402,F401,I001 - static /cases/<id>/merge wins over /cases/<id>/<action>
