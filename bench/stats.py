"""Benchmark: the 考核 endpoints and the monthly report on a large generated history in PostgreSQL.

Prints, per endpoint, the median and worst of several calls through the app (no network), against the
health check as the floor, the time to build the 考核 rollups from the cases, and the time to build the
monthly report for last month and this month (with the number of cases each holds).

    .venv/bin/python -m bench.stats [--cases 1000000] [--calls 5]
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

from sqlalchemy import text

from rongetong.extensions import db
from rongetong.models import User
from rongetong.models.types import utcnow
from rongetong.services import reports, rollups
from rongetong.services.auth import issue_token

from .common import bench_app

ENDPOINTS = ["/healthz", "/api/v1/stats/summary", "/api/v1/stats/units", "/api/v1/stats/towns",
             "/api/v1/stats/categories", "/api/v1/stats/trend?from={month_start}",
             "/api/v1/stats/summary?from={month_start}", "/api/v1/stats/units?town=zhongxinjie",
             "/api/v1/stats/trend", "/api/v1/stats/trend?channel=wechat",
             "/api/v1/stats/categories?channel=wechat&from={mid_last_month}",
             "/api/v1/stats/towns?from={mid_last_month}&to={mid_month}"]


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
        print(f"generated {args.cases:,} cases in {time.perf_counter() - started:.1f} s (rollups included); "
              f"{db.session.scalar(text('SELECT count(*) FROM ratings')):,} ratings, "
              f"{db.session.scalar(text('SELECT count(*) FROM supervision_records')):,} supervision records")
        started = time.perf_counter()
        rollups.rebuild(tidy=True)
        print(f"rebuild-stats: {time.perf_counter() - started:.1f} s; rollup rows: "
              f"{db.session.scalar(text('SELECT count(*) FROM stats_daily')):,} daily, "
              f"{db.session.scalar(text('SELECT count(*) FROM stats_monthly')):,} monthly, "
              f"{db.session.scalar(text('SELECT count(*) FROM stats_district_daily')):,} district-daily")
        token = issue_token(db.session.scalar(db.select(User).where(User.username == "leader")))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    today = utcnow().date()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    dates = {"month_start": today.replace(day=1).isoformat(), "mid_last_month": last_month.replace(day=15).isoformat(),
             "mid_month": today.replace(day=min(today.day, 10)).isoformat()}
    print(f"\n{'endpoint':<72} {'median':>9} {'worst':>9}   (target ≤ 300 ms)")
    for path in ENDPOINTS:
        path = path.format(**dates)
        times = []
        for _ in range(args.calls):
            began = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.get_data(as_text=True)[:200]
        print(f"{path:<72} {statistics.median(times):7.1f} ms {max(times):7.1f} ms")
    print()
    with app.app_context():
        for month in (last_month, today.replace(day=1)):
            cases = reports.stats.summary(reports.month_filter(month))["received"]
            began = time.perf_counter()
            size = len(reports.monthly_report(month))
            print(f"monthly report for {month:%Y-%m} ({cases:,} cases): {time.perf_counter() - began:.1f} s, "
                  f"{size / 1024:.0f} KB (target: 100,000 cases within 30 s)")


if __name__ == "__main__":
    main()
