# 融e通 — two commands: `make run` serves the demo, `make test` runs the whole suite.
VENV   ?= .venv
PYTHON ?= python3
PORT   ?= 5000
FLASK  := $(VENV)/bin/flask --app wsgi

.PHONY: run test install services browser lint worker beat bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## Serve the demo on http://127.0.0.1:$(PORT): embedded SQLite, in-process tasks and periodic jobs (DATABASE_URL overrides).
run: install
	$(FLASK) db upgrade
	$(FLASK) db-ready || $(FLASK) seed-demo
	$(FLASK) rebuild-stats --if-empty
	$(FLASK) demo-logins
	$(FLASK) serve --host 127.0.0.1 --port $(PORT)

## The whole suite: domain unit tests, API tests on PostgreSQL, task tests through a real celery worker on Redis.
test: install services browser
	$(VENV)/bin/python -m pytest

services:
	scripts/ensure-services.sh

lint: install
	$(VENV)/bin/ruff check .

## Debian's Chromium and a Chinese font for the browser tests (Playwright drives it; no browser download).
browser:
	@{ command -v chromium && fc-list :lang=zh | grep -q . ; } >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei; }

worker: install
	$(VENV)/bin/celery -A workers.celery_app worker -Q dispatch,review_l1,review_l2,supervision,notify,reports -l info

beat: install
	$(VENV)/bin/celery -A workers.celery_app beat -l info

## Benchmarks (print figures; need PostgreSQL and Redis as for `make test`).
bench: install services
	$(VENV)/bin/python -m bench.sweep_overdue
	$(VENV)/bin/python -m bench.routing
	$(VENV)/bin/python -m bench.stats

clean:
	rm -rf $(VENV) instance
