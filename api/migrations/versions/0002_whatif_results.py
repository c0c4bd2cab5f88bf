"""what-if jobs: jobs without a scenario, and a table of what-if results

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 21:20:00

A what-if job (kind 'whatif') carries its RunSpec in ``jobs.options`` and has no scenario, so
``jobs.scenario_hash`` becomes nullable (existing rows keep theirs). Its comparison table is stored
in ``whatif_results`` under the job's id.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.alter_column('scenario_hash', existing_type=sa.String(length=64), nullable=True)

    op.create_table('whatif_results',
    sa.Column('job_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ),
    sa.PrimaryKeyConstraint('job_id')
    )


def downgrade() -> None:
    op.drop_table('whatif_results')
    op.execute("DELETE FROM jobs WHERE scenario_hash IS NULL")
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.alter_column('scenario_hash', existing_type=sa.String(length=64), nullable=False)
