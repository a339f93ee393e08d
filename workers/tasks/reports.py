"""Queue ``reports``: last month's 月度考核报告, written under REPORT_FOLDER (beat: the 1st, 00:30)."""
from celery import shared_task

from rongetong.services import reports


@shared_task(name="reports.monthly_report", acks_late=True)
def monthly_report() -> str:
    """Idempotent: a second run rewrites the same ``rongetong-<YYYY-MM>.xlsx``."""
    return str(reports.store_monthly_report(reports.last_month()))
