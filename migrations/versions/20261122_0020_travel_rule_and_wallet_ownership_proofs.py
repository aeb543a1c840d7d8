"""Travel rule records and proofs of ownership of self-hosted wallets

Adds ``travel_rule_records`` (one per order at or above the travel-rule threshold: amounts and
custody in clear, the parties' names and addresses sealed), ``wallet_ownership_challenges``
(EIP-191 messages to sign, single use, kept as the evidence of a proof) and, on
``destination_wallets``, the declared custody (self-hosted by default: existing wallets must
prove ownership before a payout at or above the threshold), the beneficiary VASP of hosted
wallets, and the proof's time, method and challenge.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-22 07:41:28.801695
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "travel_rule_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("amount_currency", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=78, scale=0), nullable=False),
        sa.Column("usd_equivalent", sa.Numeric(precision=38, scale=2), nullable=False),
        sa.Column("threshold_usd", sa.Numeric(precision=38, scale=2), nullable=False),
        sa.Column("beneficiary_address", sa.String(length=42), nullable=False),
        sa.Column("beneficiary_custody", sa.String(length=20), nullable=False),
        sa.Column("wallet_id", sa.Uuid(), nullable=True),
        sa.Column("ownership_proven_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ownership_method", sa.String(length=30), nullable=True),
        sa.Column("kyc_case_id", sa.Uuid(), nullable=True),
        sa.Column("originator_verified", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("originator_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("beneficiary_sealed", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "beneficiary_custody IN ('custodial', 'self_hosted', 'hosted')",
            name=op.f("ck_travel_rule_records_beneficiary_custody"),
        ),
        sa.CheckConstraint(
            "usd_equivalent >= threshold_usd",
            name=op.f("ck_travel_rule_records_at_or_above_threshold"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_travel_rule_records")),
        sa.UniqueConstraint("order_id", name=op.f("uq_travel_rule_records_order_id")),
    )
    op.create_index(
        op.f("ix_travel_rule_records_customer_id"),
        "travel_rule_records",
        ["customer_id"],
        unique=False,
    )
    op.create_table(
        "wallet_ownership_challenges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("wallet_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signature", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_ownership_challenges")),
        sa.UniqueConstraint("nonce", name=op.f("uq_wallet_ownership_challenges_nonce")),
    )
    op.create_index(
        op.f("ix_wallet_ownership_challenges_wallet_id"),
        "wallet_ownership_challenges",
        ["wallet_id"],
        unique=False,
    )
    op.add_column(
        "destination_wallets",
        sa.Column("custody", sa.String(length=20), server_default="self_hosted", nullable=False),
    )
    op.add_column(
        "destination_wallets", sa.Column("vasp_name", sa.String(length=200), nullable=True)
    )
    op.add_column(
        "destination_wallets",
        sa.Column("ownership_proven_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "destination_wallets", sa.Column("ownership_method", sa.String(length=30), nullable=True)
    )
    op.add_column(
        "destination_wallets", sa.Column("ownership_challenge_id", sa.Uuid(), nullable=True)
    )
    op.create_check_constraint(
        op.f("ck_destination_wallets_custody"),
        "destination_wallets",
        "custody IN ('self_hosted', 'hosted')",
    )
    op.create_check_constraint(
        op.f("ck_destination_wallets_ownership_proof"),
        "destination_wallets",
        "(ownership_proven_at IS NULL) = (ownership_method IS NULL)",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_destination_wallets_ownership_proof"), "destination_wallets")
    op.drop_constraint(op.f("ck_destination_wallets_custody"), "destination_wallets")
    op.drop_column("destination_wallets", "ownership_challenge_id")
    op.drop_column("destination_wallets", "ownership_method")
    op.drop_column("destination_wallets", "ownership_proven_at")
    op.drop_column("destination_wallets", "vasp_name")
    op.drop_column("destination_wallets", "custody")
    op.drop_index(
        op.f("ix_wallet_ownership_challenges_wallet_id"), table_name="wallet_ownership_challenges"
    )
    op.drop_table("wallet_ownership_challenges")
    op.drop_index(op.f("ix_travel_rule_records_customer_id"), table_name="travel_rule_records")
    op.drop_table("travel_rule_records")
