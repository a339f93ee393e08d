"""考核 rollups: each case's contribution (stats_case_facts) and its sums per day and per month

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 09:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

COUNTS = ('received', 'to_handle', 'dispatched', 'due_accept', 'accepted_on_time', 'returned', 'resolved',
          'resolved_on_time', 'reworked', 'rated', 'satisfied', 'supervised', 'supervision_closed')


def _counts():
    return [sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS] + [
        sa.Column('handling_hours_total', sa.Float(), nullable=False),
        sa.Column('handling_hours_cases', sa.Integer(), nullable=False),
    ]


def _key():
    return [
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('town_id', sa.Integer(), nullable=False),
        sa.Column('major_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
    ]


def upgrade():
    op.create_table('stats_case_facts',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    *_key(),
    sa.Column('pending_accept_due', sa.DateTime(timezone=True), nullable=True),
    *_counts(),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_stats_case_facts'))
    )
    with op.batch_alter_table('stats_case_facts', schema=None) as batch_op:
        batch_op.create_index('ix_stats_case_facts_pending_accept_due', ['pending_accept_due'], unique=False,
                              postgresql_where=sa.text('pending_accept_due IS NOT NULL'),
                              sqlite_where=sa.text('pending_accept_due IS NOT NULL'))

    op.create_table('stats_daily',
    sa.Column('day', sa.Date(), nullable=False),
    *_counts(),
    *_key(),
    sa.PrimaryKeyConstraint('day', 'unit_id', 'town_id', 'major_id', 'channel', name=op.f('pk_stats_daily'))
    )
    op.create_table('stats_monthly',
    sa.Column('month', sa.Date(), nullable=False),
    *_counts(),
    *_key(),
    sa.PrimaryKeyConstraint('month', 'unit_id', 'town_id', 'major_id', 'channel', name=op.f('pk_stats_monthly'))
    )
    op.create_table('stats_district_daily',
    sa.Column('day', sa.Date(), nullable=False),
    *_counts(),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_stats_district_daily'))
    )
    # Cases filed before this revision get their facts from `flask rebuild-stats` (run once after upgrading);
    # until then the figures leave them out.


def downgrade():
    op.drop_table('stats_district_daily')
    op.drop_table('stats_monthly')
    op.drop_table('stats_daily')
    with op.batch_alter_table('stats_case_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_case_facts_pending_accept_due')
    op.drop_table('stats_case_facts')
