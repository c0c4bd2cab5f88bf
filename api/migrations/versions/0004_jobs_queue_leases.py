"""jobs as the queue: lanes, leases, cancel requests and a change stamp

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 09:00:00

The database is the job queue of every API process and worker: ``lane`` (weekly or study),
``lease_owner`` and ``lease_until`` (the worker running a job and until when its claim holds),
``cancel_requested`` (set by any API process, seen by the worker holding the job) and
``updated_at`` (API processes drop cached answers when it moves). Existing jobs get their lane
from their kind.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lane', sa.String(length=16), nullable=False,
                                      server_default='weekly'))
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancel_requested', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE jobs SET lane = 'study' WHERE kind = 'whatif'")
    op.execute("UPDATE jobs SET updated_at = COALESCE(finished_at, started_at, created_at)")
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.create_index('ix_jobs_claim', ['status', 'lane', 'created_at'], unique=False)
        batch_op.create_index('ix_jobs_updated_at', ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_updated_at')
        batch_op.drop_index('ix_jobs_claim')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('cancel_requested')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('lease_owner')
        batch_op.drop_column('lane')
