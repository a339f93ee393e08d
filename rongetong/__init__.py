"""融e通 — citizen-request tracking for a district government."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, jsonify, request

from config import Config, load_config

from .domain.calendar import WorkingCalendar
from .extensions import csrf, db, limiter, login_manager, migrate


def create_app(config: Config | None = None) -> Flask:
    """The app factory: configuration, extensions, blueprints, error pages, CLI. Touches no database."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or load_config())
    app.json.ensure_ascii = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    register_extensions(app)
    register_blueprints(app)
    register_error_pages(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from workers import celery_init_app

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "web.login"
    login_manager.login_message = "请先登录"
    csrf.init_app(app)
    limiter.init_app(app)
    app.extensions["rongetong.calendar"] = WorkingCalendar(tz=app.config["TIMEZONE"])
    celery_init_app(app)

    from .services import rollups

    rollups.install()  # the 考核 rollups follow every committed case change

    from .models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        # A deactivated account's open sessions end at its next request, not at its next sign-in.
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None


def register_blueprints(app: Flask) -> None:
    from .api import bp as api_bp
    from .open311 import bp as open311_bp
    from .web import bp as web_bp

    csrf.exempt(api_bp)  # API clients authenticate with bearer tokens, not cookies
    app.register_blueprint(api_bp)
    app.register_blueprint(open311_bp)
    app.register_blueprint(web_bp)


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(exc):
        # Unknown paths under /api answer in the API's error format too.
        if request.path.startswith("/api/"):
            return jsonify({"error": {"code": "not_found", "message": "接口不存在"}}), 404
        return exc


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)
