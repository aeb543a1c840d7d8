"""Bank account verification: the holder's KYC-name check on saved accounts, micro-deposit
challenges (sealed amounts, attempts, one open challenge per account), and an ``expense`` kind of
ledger account for what verification costs the operator.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-22 08:46:37.324912
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


LEDGER_KINDS = "'asset', 'liability', 'revenue', 'fx_position'"


def _ledger_kinds(kinds: str) -> None:
    op.drop_constraint(op.f("ck_ledger_accounts_kind_known"), "ledger_accounts", type_="check")
    op.create_check_constraint(
        op.f("ck_ledger_accounts_kind_known"), "ledger_accounts", f"kind IN ({kinds})"
    )


def upgrade() -> None:
    op.create_table(
        "micro_deposit_challenges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("bank_account_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bank_payment_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("amounts_sealed", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "status IN ('requested', 'sent', 'confirmed', 'locked', 'expired')",
            name=op.f("ck_micro_deposit_challenges_status_known"),
        ),
        sa.CheckConstraint(
            "attempts >= 0", name=op.f("ck_micro_deposit_challenges_attempts_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_micro_deposit_challenges")),
    )
    op.create_index(
        op.f("ix_micro_deposit_challenges_bank_account_id"),
        "micro_deposit_challenges",
        ["bank_account_id"],
        unique=False,
    )
    op.create_index(
        "uq_micro_deposit_challenges_open",
        "micro_deposit_challenges",
        ["bank_account_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('requested', 'sent')"),
    )
    op.add_column("bank_accounts", sa.Column("kyc_name_score", sa.Double(), nullable=True))
    op.add_column("bank_accounts", sa.Column("holder_matches_kyc", sa.Boolean(), nullable=True))
    _ledger_kinds(LEDGER_KINDS + ", 'expense'")


def downgrade() -> None:
    _ledger_kinds(LEDGER_KINDS)
    op.drop_column("bank_accounts", "holder_matches_kyc")
    op.drop_column("bank_accounts", "kyc_name_score")
    op.drop_index(
        "uq_micro_deposit_challenges_open",
        table_name="micro_deposit_challenges",
        postgresql_where=sa.text("status IN ('requested', 'sent')"),
    )
    op.drop_index(
        op.f("ix_micro_deposit_challenges_bank_account_id"), table_name="micro_deposit_challenges"
    )
    op.drop_table("micro_deposit_challenges")
