"""Benchmark: the 考核 endpoints and the monthly report on a large generated history in PostgreSQL.

Prints, per endpoint, the median and worst of several calls through the app (no network), against the
health check as the floor, and the time to build the monthly report.

    .venv/bin/python -m bench.stats [--cases 1000000] [--calls 5]
"""
from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import text

from rongetong.extensions import db
from rongetong.models import User
from rongetong.models.types import utcnow
from rongetong.services import reports
from rongetong.services.auth import issue_token

from .common import bench_app

ENDPOINTS = ["/healthz", "/api/v1/stats/summary", "/api/v1/stats/units", "/api/v1/stats/towns",
             "/api/v1/stats/categories", "/api/v1/stats/trend?from={month_start}",
             "/api/v1/stats/summary?from={month_start}", "/api/v1/stats/units?town=zhongxinjie"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=5)
    args = parser.parse_args()
    app = bench_app()
    with app.app_context():
        from rongetong.demo.volume import generate_cases

        started = time.perf_counter()
        generate_cases(args.cases)
        print(f"generated {args.cases:,} cases in {time.perf_counter() - started:.1f} s; "
              f"{db.session.scalar(text('SELECT count(*) FROM ratings')):,} ratings, "
              f"{db.session.scalar(text('SELECT count(*) FROM supervision_records')):,} supervision records")
        token = issue_token(db.session.scalar(db.select(User).where(User.username == "leader")))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    month_start = utcnow().date().replace(day=1).isoformat()
    print(f"\n{'endpoint':<48} {'median':>9} {'worst':>9}   (target ≤ 300 ms)")
    for path in ENDPOINTS:
        path = path.format(month_start=month_start)
        times = []
        for _ in range(args.calls):
            began = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.get_data(as_text=True)[:200]
        print(f"{path:<48} {statistics.median(times):7.1f} ms {max(times):7.1f} ms")
    with app.app_context():
        month = utcnow().date().replace(day=1)
        began = time.perf_counter()
        size = len(reports.monthly_report(month))
        print(f"\nmonthly report for {month:%Y-%m}: {time.perf_counter() - began:.1f} s, {size / 1024:.0f} KB "
              f"(target: 100,000 cases within 30 s)")


if __name__ == "__main__":
    main()
