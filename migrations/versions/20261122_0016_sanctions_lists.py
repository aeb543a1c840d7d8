"""Sanctions lists: one row per loaded issue, with its entries and its addresses

Each version keeps its entries whole, so a version is exactly what was screened against and two
versions diff without reconstruction. Addresses are stored lower-cased for the
checksum-insensitive lookup.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-22 05:57:52.825583
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sanctions_list_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("issued", sa.String(length=10), nullable=True),
        sa.Column(
            "loaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("address_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanctions_list_versions")),
    )
    op.create_index(
        op.f("ix_sanctions_list_versions_source"),
        "sanctions_list_versions",
        ["source"],
        unique=False,
    )
    op.create_table(
        "sanctions_addresses",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("uid", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["sanctions_list_versions.id"],
            name=op.f("fk_sanctions_addresses_version_id_sanctions_list_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "version_id", "currency", "address", "uid", name=op.f("pk_sanctions_addresses")
        ),
    )
    op.create_index(
        "ix_sanctions_addresses_address", "sanctions_addresses", ["address"], unique=False
    )
    op.create_table(
        "sanctions_entries",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("uid", sa.String(length=40), nullable=False),
        sa.Column("list_name", sa.String(length=100), nullable=False),
        sa.Column("entry_type", sa.String(length=20), nullable=False),
        sa.Column("primary_name", sa.String(length=500), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["sanctions_list_versions.id"],
            name=op.f("fk_sanctions_entries_version_id_sanctions_list_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "uid", name=op.f("pk_sanctions_entries")),
    )


def downgrade() -> None:
    op.drop_table("sanctions_entries")
    op.drop_index("ix_sanctions_addresses_address", table_name="sanctions_addresses")
    op.drop_table("sanctions_addresses")
    op.drop_index(op.f("ix_sanctions_list_versions_source"), table_name="sanctions_list_versions")
    op.drop_table("sanctions_list_versions")
