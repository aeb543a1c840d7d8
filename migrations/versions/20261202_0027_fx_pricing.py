"""FX pricing: signed quotes by source or target amount, and how each order was priced

``quotes`` gains ``side`` (which amount the customer fixed; existing quotes were by source), the
pricing inputs (the customer's KYC ``tier``, the ``spread_bps`` applied, the ``rates_source``
names) and ``signature`` (HMAC-SHA256 of the terms; quotes made before this are unsigned and, all
long expired, can no longer be ordered). ``orders`` gains the quote's rate (``quoted_rate``), the
rule that priced it (``pricing_rule``: firm_quote or market_at_funds, with ``pricing_note``), the
``mid_rate`` and the split of the conversion's margin into ``spread_amount`` and
``rounding_amount`` (posted to ``spread:<ccy>`` and ``rounding:<ccy>``; null for orders priced
before, whose whole net went to the FX position).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02 13:54:59.208239
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RATE = sa.Numeric(precision=38, scale=18)
MINOR = sa.Numeric(precision=78, scale=0)


def upgrade() -> None:
    op.add_column("orders", sa.Column("quoted_rate", RATE, nullable=True))
    op.add_column("orders", sa.Column("pricing_rule", sa.String(length=20), nullable=True))
    op.add_column("orders", sa.Column("pricing_note", sa.String(length=300), nullable=True))
    op.add_column("orders", sa.Column("mid_rate", RATE, nullable=True))
    op.add_column("orders", sa.Column("spread_amount", MINOR, nullable=True))
    op.add_column("orders", sa.Column("rounding_amount", MINOR, nullable=True))
    op.add_column(
        "quotes",
        sa.Column("side", sa.String(length=6), server_default="source", nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_quotes_side_known"), "quotes", "side IN ('source', 'target')"
    )
    op.add_column("quotes", sa.Column("tier", sa.Integer(), nullable=True))
    op.add_column("quotes", sa.Column("spread_bps", sa.Integer(), nullable=True))
    op.add_column("quotes", sa.Column("rates_source", sa.String(length=100), nullable=True))
    op.add_column("quotes", sa.Column("signature", sa.String(length=80), nullable=True))


def downgrade() -> None:
    op.drop_column("quotes", "signature")
    op.drop_column("quotes", "rates_source")
    op.drop_column("quotes", "spread_bps")
    op.drop_column("quotes", "tier")
    op.drop_constraint(op.f("ck_quotes_side_known"), "quotes", type_="check")
    op.drop_column("quotes", "side")
    op.drop_column("orders", "rounding_amount")
    op.drop_column("orders", "spread_amount")
    op.drop_column("orders", "mid_rate")
    op.drop_column("orders", "pricing_note")
    op.drop_column("orders", "pricing_rule")
    op.drop_column("orders", "quoted_rate")
