"""考核 rollups kept current: every commit that changed a case, its ratings or its supervision records
refreshes those cases' facts and adds the difference to the daily and monthly rollups, in the same
transaction; ``rebuild`` recomputes everything from the cases (``flask rebuild-stats``, generated data).

What a case adds to the counts is defined once, by ``fact_rows`` (the definitions of ``domain.metrics``
per case); ``domain.rollups`` does the bookkeeping (old fact out, new fact in).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, fields
from datetime import datetime

from sqlalchemy import Date, Select, and_, case, cast, delete, event, func, insert, literal, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement

from ..domain import rollups
from ..domain.metrics import Counts
from ..extensions import db
from ..models import Case, CaseFact, DailyStats, DistrictDailyStats, MonthlyStats, Rating, SupervisionRecord
from ..models.types import utcnow
from .workflow import working_calendar

COUNTS = tuple(f.name for f in fields(Counts))
KEY = ("unit_id", "town_id", "major_id", "channel")
SATISFIED = ("satisfied", "basically_satisfied")
BATCH = 2000
_TOUCHED = "rongetong.stats_touched"


# --- what one case adds -------------------------------------------------------------------------

def local_day(column) -> ColumnElement:
    """The local (district time zone) date of a UTC timestamp column."""
    zone = working_calendar().tz
    if db.engine.dialect.name == "postgresql":
        return func.date(func.timezone(zone.key, column), type_=Date)
    # SQLite has no time zones; the district's zone (Asia/Shanghai) keeps one offset all year.
    offset = zone.utcoffset(datetime(2026, 1, 1)).total_seconds() / 3600
    return func.date(column, literal(f"{offset:+.0f} hours"), type_=Date)


def _flag(condition: ColumnElement) -> ColumnElement:
    return case((condition, 1), else_=0)


def fact_rows(now: datetime, case_ids: list[int] | None = None) -> Select:
    """Each case's fact: its key and what it adds to every count, as of ``now``. With ``case_ids``, only
    those cases (their ratings and records are read through the case id index)."""
    records = select(SupervisionRecord.case_id, func.count().label("n"),
                     func.sum(_flag(SupervisionRecord.status == "closed")).label("closed"))
    latest = select(Rating.case_id, func.max(Rating.id).label("rating_id"))
    if case_ids is not None:
        records = records.where(SupervisionRecord.case_id.in_(case_ids))
        latest = latest.where(Rating.case_id.in_(case_ids))
    records = records.group_by(SupervisionRecord.case_id).subquery()
    latest = latest.group_by(Rating.case_id).subquery()
    last_rating = aliased(Rating)
    resolved = and_(Case.resolved_at.is_not(None), Case.status.in_(("resolved", "closed")))
    dispatched = Case.dispatched_at.is_not(None)
    query = select(
        Case.id.label("case_id"),
        local_day(Case.created_at).label("day"),
        func.coalesce(Case.unit_id, rollups.NONE).label("unit_id"),
        func.coalesce(Case.town_id, rollups.NONE).label("town_id"),
        func.coalesce(Case.major_id, rollups.NONE).label("major_id"),
        Case.channel.label("channel"),
        case((and_(dispatched, Case.accepted_at.is_(None), Case.accept_due >= now), Case.accept_due))
        .label("pending_accept_due"),
        literal(1).label("received"),
        _flag(Case.status.not_in(("rejected", "police"))).label("to_handle"),
        _flag(dispatched).label("dispatched"),
        _flag(and_(dispatched, Case.accepted_at.is_not(None) | (Case.accept_due < now))).label("due_accept"),
        _flag(and_(Case.accepted_at.is_not(None), Case.accepted_at <= Case.accept_due)).label("accepted_on_time"),
        _flag(Case.return_count > 0).label("returned"),
        _flag(resolved).label("resolved"),
        _flag(and_(resolved, Case.resolved_at <= Case.resolve_due)).label("resolved_on_time"),
        _flag(and_(resolved, Case.rework)).label("reworked"),
        _flag(last_rating.id.is_not(None)).label("rated"),
        _flag(last_rating.rating.in_(SATISFIED)).label("satisfied"),
        func.coalesce(records.c.n, 0).label("supervised"),
        func.coalesce(records.c.closed, 0).label("supervision_closed"),
        func.coalesce(Case.handling_working_hours, 0.0).label("handling_hours_total"),
        _flag(Case.handling_working_hours.is_not(None)).label("handling_hours_cases"),
    ).select_from(Case) \
        .outerjoin(records, records.c.case_id == Case.id) \
        .outerjoin(latest, latest.c.case_id == Case.id) \
        .outerjoin(last_rating, last_rating.id == latest.c.rating_id)
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    return query


def _fact(row) -> rollups.Fact:
    m = row._mapping
    counts = Counts(**{name: float(m[name]) if name == "handling_hours_total" else int(m[name]) for name in COUNTS})
    return rollups.Fact(key=(m["day"], *(m[k] for k in KEY)), counts=counts,
                        pending_accept_due=m["pending_accept_due"])


# --- keeping them current -------------------------------------------------------------------------

def touch(case_ids: Iterable[int]) -> None:
    """Refresh these cases at the next commit (for changes made by bulk SQL, which the session cannot see)."""
    db.session.info.setdefault(_TOUCHED, set()).update(case_ids)


def refresh(case_ids: Iterable[int], now: datetime | None = None, session: Session | None = None) -> int:
    """Bring the facts of these cases, and the rollups with them, up to date; returns how many changed.

    The stored facts are locked first (in id order) and the new ones read after: a concurrent refresh
    of the same case (a staff action while the overdue sweep runs) waits, then sees the other's commit,
    so no change is counted twice or lost. Locks are taken facts first, then rollup rows, each in key
    order, by every transaction alike."""
    now, session = now or utcnow(), session or db.session
    ids = sorted({i for i in case_ids if i is not None})
    chunks = [ids[start:start + BATCH] for start in range(0, len(ids), BATCH)]
    old, new = {}, {}
    for chunk in chunks:
        old.update((row.case_id, _fact(row)) for row in session.execute(
            select(CaseFact.__table__).where(CaseFact.case_id.in_(chunk)).order_by(CaseFact.case_id)
            .with_for_update()))
    for chunk in chunks:
        new.update((row.case_id, _fact(row)) for row in session.execute(fact_rows(now, chunk)))
    changed = [i for i in ids if new.get(i) != old.get(i)]
    if not changed:
        return 0
    daily = rollups.deltas([old[i] for i in changed if i in old], [new[i] for i in changed if i in new])
    _add(session, DailyStats, daily)
    _add(session, MonthlyStats, rollups.by_month(daily))
    _add(session, DistrictDailyStats, rollups.by_district_day(daily))
    rows = [_fact_row(i, new[i]) for i in changed if i in new]
    gone = [i for i in changed if i not in new]
    for start in range(0, len(rows), BATCH):
        # In place, not deleted and inserted: a waiting refresh's lock follows the row to its new version.
        statement = _insert(session, CaseFact.__table__)
        session.execute(statement.on_conflict_do_update(
            index_elements=["case_id"], set_={c: statement.excluded[c] for c in rows[0] if c != "case_id"}),
            rows[start:start + BATCH])
    if gone:
        session.execute(delete(CaseFact).where(CaseFact.case_id.in_(gone)))
    return len(changed)


def _fact_row(case_id: int, fact: rollups.Fact) -> dict:
    day, *key = fact.key
    return ({"case_id": case_id, "day": day, "pending_accept_due": fact.pending_accept_due}
            | dict(zip(KEY, key)) | asdict(fact.counts))


def _insert(session: Session, table):
    """INSERT with ON CONFLICT, which both dialects spell alike."""
    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert(table)


def _add(session: Session, model, changes: dict[rollups.Key, Counts]) -> None:
    """Add to the rollup rows of these keys, creating the missing ones; keys in order, so concurrent
    transactions lock rows in the same order."""
    if not changes:
        return
    table = model.__table__
    key_columns = [c.name for c in table.primary_key.columns]
    rows = [dict(zip(key_columns, key)) | asdict(counts) for key, counts in sorted(changes.items())]
    statement = _insert(session, table)
    statement = statement.on_conflict_do_update(
        index_elements=key_columns, set_={name: table.c[name] + statement.excluded[name] for name in COUNTS})
    for start in range(0, len(rows), BATCH):
        session.execute(statement, rows[start:start + BATCH])


def _after_flush(session: Session, _context) -> None:
    touched = session.info.setdefault(_TOUCHED, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Case):
            touched.add(obj.id)
        elif isinstance(obj, (Rating, SupervisionRecord)):
            touched.add(obj.case_id)


def _before_commit(session: Session) -> None:
    session.flush()
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        refresh(touched, session=session)


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the whole unit of work ended (committed or rolled back)
        session.info.pop(_TOUCHED, None)


def install() -> None:
    """Watch every session: whatever changed a case through the ORM refreshes its fact at commit."""
    for name, listener in (("after_flush", _after_flush), ("before_commit", _before_commit),
                           ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


# --- from scratch ---------------------------------------------------------------------------------

def rebuild(now: datetime | None = None, *, tidy: bool = False) -> int:
    """Recompute every fact and rollup from the cases (set-based); returns the number of cases. ``tidy``:
    then reclaim the replaced rows and refresh the planner's statistics (PostgreSQL, outside the transaction)."""
    now = now or utcnow()
    db.session.info.pop(_TOUCHED, None)
    for model in (CaseFact, DailyStats, MonthlyStats, DistrictDailyStats):
        db.session.execute(delete(model))
    facts = fact_rows(now).subquery()
    columns = [c.name for c in CaseFact.__table__.columns]
    db.session.execute(insert(CaseFact).from_select(columns, select(*[facts.c[name] for name in columns])))
    _sum_into(DailyStats, CaseFact.day, CaseFact)
    _sum_into(MonthlyStats, _month(DailyStats.day), DailyStats)
    _sum_into(DistrictDailyStats, DailyStats.day, DailyStats, key=())
    count = db.session.scalar(select(func.count()).select_from(CaseFact))
    db.session.commit()
    if tidy and db.engine.dialect.name == "postgresql":
        # Every row was replaced: left to autovacuum, the dead ones would double what the next reads scan.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for model in (CaseFact, DailyStats, MonthlyStats, DistrictDailyStats):
                connection.execute(text(f"VACUUM ANALYZE {model.__tablename__}"))
    return count


def _sum_into(model, period: ColumnElement, source, key: tuple[str, ...] = KEY) -> None:
    keys = [period, *(getattr(source, k) for k in key)]
    sums = [func.sum(getattr(source, name)) for name in COUNTS]
    period_name = model.__table__.primary_key.columns.keys()[0]
    db.session.execute(insert(model).from_select([period_name, *key, *COUNTS],
                                                 select(*keys, *sums).group_by(*keys)))


def _month(day: ColumnElement) -> ColumnElement:
    if db.engine.dialect.name == "postgresql":
        return cast(func.date_trunc("month", day), Date)
    return func.date(day, "start of month", type_=Date)


def drift(now: datetime | None = None) -> dict[str, dict]:
    """Differences between the stored facts and rollups and a recomputation from the cases, as of ``now``
    (nothing when they agree): ``{"facts"|"daily"|"monthly"|"district": {key: (stored, recomputed)}}``. Accept
    deadlines that passed since a fact was written are counted on both sides alike."""
    now = now or utcnow()

    def settled(fact: rollups.Fact) -> rollups.Fact:
        if fact.pending_accept_due is not None and fact.pending_accept_due < now:
            return rollups.Fact(fact.key, fact.counts + Counts(due_accept=1))
        return fact

    stored = {row.case_id: settled(_fact(row)) for row in db.session.execute(select(CaseFact.__table__))}
    fresh = {row.case_id: _fact(row) for row in db.session.execute(fact_rows(now))}
    result = {"facts": {i: (stored.get(i), fresh.get(i)) for i in stored.keys() | fresh.keys()
                        if stored.get(i) != fresh.get(i)}}
    late = rollups.deltas([], [rollups.Fact(f.key, Counts(due_accept=1)) for f in map(_fact, db.session.execute(
        select(CaseFact.__table__).where(CaseFact.pending_accept_due < now)))])
    want_daily = rollups.deltas([], fresh.values())
    for name, model, want, extra in (
            ("daily", DailyStats, want_daily, late),
            ("monthly", MonthlyStats, rollups.by_month(want_daily), rollups.by_month(late)),
            ("district", DistrictDailyStats, rollups.by_district_day(want_daily), rollups.by_district_day(late))):
        table = model.__table__
        key_columns = [c.name for c in table.primary_key.columns]
        have = {}
        for row in db.session.execute(select(table)):
            key = tuple(row._mapping[k] for k in key_columns)
            counts = Counts(**{n: row._mapping[n] for n in COUNTS}) + extra.get(key, Counts())
            if not counts.is_zero():
                have[key] = counts
        result[name] = {k: (have.get(k), want.get(k)) for k in have.keys() | want.keys()
                        if not (have.get(k, Counts()) - want.get(k, Counts())).is_zero()}
    return {name: diff for name, diff in result.items() if diff}
