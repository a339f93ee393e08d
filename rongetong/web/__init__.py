"""Web pages (server-rendered, Chinese UI, no CDN): sign-in with Flask-Login sessions and CSRF-protected forms."""
from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/web")

from . import (  # noqa: E402,F401  (views register on bp)
               admin,
               auth,
               cases,
               citizen,
               dashboard,
               dispatch,
               field,
               home,
               inbox,
               navigation,
               review,
               supervision,
               visits,
)
