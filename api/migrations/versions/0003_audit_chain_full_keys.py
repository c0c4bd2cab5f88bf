"""audit chain and request ids, revoked tokens, full sha256 scenario keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00

* ``audit`` gets ``request_id``, ``objects``, ``reason``, ``prev_hash`` and ``row_hash``, and a
  wider ``method`` (16). Rows written before are chained here in id order, so ``coa-plan audit
  verify`` holds from the first row on.
* ``revoked_tokens``: the hashes of static tokens refused from now on.
* ``scenarios.hash`` was the sha256 cut to 16 hex digits; it becomes the full sha256 of the stored
  body, in ``scenarios``, ``plans.scenario_hash`` and ``jobs.scenario_hash``. (The plan documents
  keep their own short ``scenario_hash``: that one only ties a plan to its scenario in files.)
"""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _rekey_scenarios(conn: sa.Connection) -> None:
    rows = conn.execute(sa.text("SELECT hash, week, body, created_at FROM scenarios")).all()
    for old, week, body, created in rows:
        new = hashlib.sha256(body.encode("utf-8")).hexdigest()
        if new == old:
            continue
        exists = conn.execute(sa.text("SELECT 1 FROM scenarios WHERE hash = :h"), {"h": new}).first()
        if exists is None:
            conn.execute(sa.text("INSERT INTO scenarios (hash, week, body, created_at) "
                                 "VALUES (:h, :w, :b, :c)"),
                         {"h": new, "w": week, "b": body, "c": created})
        for table in ("plans", "jobs"):
            conn.execute(sa.text(f"UPDATE {table} SET scenario_hash = :new "  # noqa: S608
                                 "WHERE scenario_hash = :old"), {"new": new, "old": old})
        conn.execute(sa.text("DELETE FROM scenarios WHERE hash = :old"), {"old": old})


def _chain_audit(conn: sa.Connection) -> None:
    from api.audit import GENESIS, row_digest
    from api.db.models import UTCDateTime

    at_type = UTCDateTime()
    prev = GENESIS
    last = 0
    while True:
        rows = conn.execute(sa.text(
            "SELECT id, at, who, role, method, path, input_hash, status_code FROM audit "
            "WHERE id > :last ORDER BY id LIMIT 2000"), {"last": last}).mappings().all()
        if not rows:
            break
        for r in rows:
            at = r["at"]
            if isinstance(at, str):  # SQLite returns text through a plain SELECT
                at = dt.datetime.fromisoformat(at)
            at = at_type.process_result_value(at, conn.dialect)
            d = {**r, "at": at, "request_id": "", "objects": "", "reason": ""}
            h = row_digest(d, prev)
            conn.execute(sa.text("UPDATE audit SET prev_hash = :p, row_hash = :h WHERE id = :id"),
                         {"p": prev, "h": h, "id": r["id"]})
            prev, last = h, r["id"]


def upgrade() -> None:
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.alter_column('method', existing_type=sa.String(length=8),
                              type_=sa.String(length=16), existing_nullable=False)
        batch_op.add_column(sa.Column('request_id', sa.String(length=32), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('objects', sa.String(length=512), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('reason', sa.String(length=256), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=False,
                                      server_default=''))
        batch_op.create_index(batch_op.f('ix_audit_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_who'), ['who'], unique=False)
    op.create_table('revoked_tokens',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    conn = op.get_bind()
    _chain_audit(conn)
    _rekey_scenarios(conn)


def downgrade() -> None:
    op.drop_table('revoked_tokens')
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_who'))
        batch_op.drop_index(batch_op.f('ix_audit_request_id'))
        for c in ('row_hash', 'prev_hash', 'reason', 'objects', 'request_id'):
            batch_op.drop_column(c)
        batch_op.alter_column('method', existing_type=sa.String(length=16),
                              type_=sa.String(length=8), existing_nullable=False)
    # scenario keys stay full sha256: a shorter key of the same content is not needed back
