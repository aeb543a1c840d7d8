"""KYB: business KYC cases (tier 3) and their ultimate beneficial owners

``kyc_cases`` gains ``kind`` (individual | business; existing rows are individual), the sealed
company fields (legal name, registration number, country of incorporation; the registered address
reuses ``address``) and ``hold_reason`` (compliance holds the case whatever the vendor says). The
tier check now ties tiers to kinds: individual 1 or 2, business 3. ``kyc_ubos`` holds each
beneficial owner a business case declared, per attempt, sealed, with their latest screening
decision.

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-22 08:50:21.008114
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "kyc_cases",
        sa.Column("kind", sa.String(length=20), server_default="individual", nullable=False),
    )
    op.add_column("kyc_cases", sa.Column("hold_reason", sa.String(length=50), nullable=True))
    op.add_column("kyc_cases", sa.Column("legal_name_sealed", sa.LargeBinary(), nullable=True))
    op.add_column(
        "kyc_cases", sa.Column("registration_number_sealed", sa.LargeBinary(), nullable=True)
    )
    op.add_column(
        "kyc_cases", sa.Column("incorporation_country_sealed", sa.LargeBinary(), nullable=True)
    )
    op.create_check_constraint(
        op.f("ck_kyc_cases_kind"), "kyc_cases", "kind IN ('individual', 'business')"
    )
    op.drop_constraint(op.f("ck_kyc_cases_tier_requested"), "kyc_cases", type_="check")
    op.create_check_constraint(
        op.f("ck_kyc_cases_tier_requested"),
        "kyc_cases",
        "(kind = 'individual' AND tier_requested IN (1, 2))"
        " OR (kind = 'business' AND tier_requested = 3)",
    )
    op.create_table(
        "kyc_ubos",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("ownership_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("document_types", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("screening_decision", sa.String(length=20), nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("given_names_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("surname_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("date_of_birth_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("nationality_sealed", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "screening_decision IN ('hit', 'clear', 'not_screened')",
            name=op.f("ck_kyc_ubos_screening_decision"),
        ),
        sa.CheckConstraint(
            "ownership_percent > 0 AND ownership_percent <= 100",
            name=op.f("ck_kyc_ubos_ownership"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["kyc_cases.id"],
            name=op.f("fk_kyc_ubos_case_id_kyc_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kyc_ubos")),
        sa.UniqueConstraint("case_id", "attempt", "position", name="uq_kyc_ubos_position"),
    )
    op.create_index(op.f("ix_kyc_ubos_case_id"), "kyc_ubos", ["case_id"], unique=False)
    op.create_index(op.f("ix_kyc_ubos_customer_id"), "kyc_ubos", ["customer_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_kyc_ubos_customer_id"), table_name="kyc_ubos")
    op.drop_index(op.f("ix_kyc_ubos_case_id"), table_name="kyc_ubos")
    op.drop_table("kyc_ubos")
    op.execute("DELETE FROM kyc_cases WHERE kind = 'business'")
    op.drop_constraint(op.f("ck_kyc_cases_tier_requested"), "kyc_cases", type_="check")
    op.create_check_constraint(
        op.f("ck_kyc_cases_tier_requested"), "kyc_cases", "tier_requested IN (1, 2)"
    )
    op.drop_constraint(op.f("ck_kyc_cases_kind"), "kyc_cases", type_="check")
    op.drop_column("kyc_cases", "incorporation_country_sealed")
    op.drop_column("kyc_cases", "registration_number_sealed")
    op.drop_column("kyc_cases", "legal_name_sealed")
    op.drop_column("kyc_cases", "hold_reason")
    op.drop_column("kyc_cases", "kind")
