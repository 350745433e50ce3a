"""Create reference data, versions, quotes and holds, and the quote number sequence.

Revision ID: 0001
Revises:
Create Date: 2026-12-04 20:48:24.458908
"""

# ruff: noqa: E501 - generated table definitions read best one column per line.
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence("quote_number_seq", start=1)))
    op.create_table('habitats',
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('ledger', sa.String(length=16), nullable=False),
    sa.Column('band', sa.String(length=8), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('broad_habitat', sa.Text(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("(ledger = 'area') = (broad_habitat IS NOT NULL)", name=op.f('ck_habitats_broad_habitat')),
    sa.CheckConstraint("band IN ('V.Low', 'Low', 'Medium', 'High', 'V.High')", name=op.f('ck_habitats_band')),
    sa.CheckConstraint("ledger IN ('area', 'hedgerow', 'watercourse')", name=op.f('ck_habitats_ledger')),
    sa.PrimaryKeyConstraint('label', name=op.f('pk_habitats')),
    sa.UniqueConstraint('position', name=op.f('uq_habitats_position'))
    )
    op.create_table('lpas',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('country', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_lpas'))
    )
    op.create_table('ncas',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.CheckConstraint('number > 0', name=op.f('ck_ncas_number_positive')),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_ncas'))
    )
    op.create_table('promoters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('discount_type', sa.String(length=16), nullable=False),
    sa.Column('discount_value', sa.Double(), server_default='0', nullable=False),
    sa.CheckConstraint("discount_type <> 'percentage' OR (discount_value >= 0 AND discount_value <= 100)", name=op.f('ck_promoters_percentage_range')),
    sa.CheckConstraint("discount_type IN ('none', 'tier_up', 'percentage')", name=op.f('ck_promoters_discount_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promoters')),
    sa.UniqueConstraint('name', name=op.f('uq_promoters_name'))
    )
    op.create_table('quotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('client_name', sa.Text(), nullable=True),
    sa.Column('lpa_code', sa.Text(), nullable=False),
    sa.Column('nca_number', sa.Integer(), nullable=True),
    sa.Column('reference_version', sa.Text(), nullable=False),
    sa.Column('total', sa.Double(), nullable=False),
    sa.Column('request', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('result', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('timings', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('quoted', 'manual_review', 'accepted')", name=op.f('ck_quotes_status')),
    sa.CheckConstraint('revision >= 0', name=op.f('ck_quotes_revision_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotes')),
    sa.UniqueConstraint('number', 'revision', name='uq_quotes_number_revision'),
    sa.UniqueConstraint('reference', name=op.f('uq_quotes_reference'))
    )
    op.create_index('ix_quotes_created_at', 'quotes', ['created_at'], unique=False)
    op.create_index('ix_quotes_lpa_code', 'quotes', ['lpa_code'], unique=False)
    op.create_index('ix_quotes_nca_number', 'quotes', ['nca_number'], unique=False)
    op.create_table('reference_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_by', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('changes', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_versions'))
    )
    op.create_table('waterbodies',
    sa.Column('wbid', sa.String(length=32), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('water_type', sa.Text(), nullable=False),
    sa.Column('operational_catchment', sa.Text(), nullable=False),
    sa.Column('management_catchment', sa.Text(), nullable=False),
    sa.Column('river_basin_district', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('wbid', name=op.f('pk_waterbodies'))
    )
    op.create_table('banks',
    sa.Column('bank_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('lpa_code', sa.String(length=16), nullable=False),
    sa.Column('nca_number', sa.Integer(), nullable=False),
    sa.Column('waterbody_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['lpa_code'], ['lpas.code'], name=op.f('fk_banks_lpa_code_lpas')),
    sa.ForeignKeyConstraint(['nca_number'], ['ncas.number'], name=op.f('fk_banks_nca_number_ncas')),
    sa.ForeignKeyConstraint(['waterbody_id'], ['waterbodies.wbid'], name=op.f('fk_banks_waterbody_id_waterbodies')),
    sa.PrimaryKeyConstraint('bank_id', name=op.f('pk_banks'))
    )
    op.create_table('lpa_neighbours',
    sa.Column('lpa_a', sa.String(length=16), nullable=False),
    sa.Column('lpa_b', sa.String(length=16), nullable=False),
    sa.CheckConstraint('lpa_a < lpa_b', name=op.f('ck_lpa_neighbours_ordered_pair')),
    sa.ForeignKeyConstraint(['lpa_a'], ['lpas.code'], name=op.f('fk_lpa_neighbours_lpa_a_lpas')),
    sa.ForeignKeyConstraint(['lpa_b'], ['lpas.code'], name=op.f('fk_lpa_neighbours_lpa_b_lpas')),
    sa.PrimaryKeyConstraint('lpa_a', 'lpa_b', name=op.f('pk_lpa_neighbours'))
    )
    op.create_table('nca_neighbours',
    sa.Column('nca_a', sa.Integer(), nullable=False),
    sa.Column('nca_b', sa.Integer(), nullable=False),
    sa.CheckConstraint('nca_a < nca_b', name=op.f('ck_nca_neighbours_ordered_pair')),
    sa.ForeignKeyConstraint(['nca_a'], ['ncas.number'], name=op.f('fk_nca_neighbours_nca_a_ncas')),
    sa.ForeignKeyConstraint(['nca_b'], ['ncas.number'], name=op.f('fk_nca_neighbours_nca_b_ncas')),
    sa.PrimaryKeyConstraint('nca_a', 'nca_b', name=op.f('pk_nca_neighbours'))
    )
    op.create_table('quote_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quote_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('row_id', sa.String(length=64), nullable=False),
    sa.Column('demand_habitat', sa.Text(), nullable=False),
    sa.Column('ledger', sa.String(length=16), nullable=True),
    sa.Column('bank_id', sa.String(length=64), nullable=True),
    sa.Column('bank_name', sa.Text(), nullable=True),
    sa.Column('tier', sa.String(length=16), nullable=True),
    sa.Column('supply', sa.Text(), nullable=True),
    sa.Column('units', sa.Double(), nullable=False),
    sa.Column('unit_price', sa.Double(), nullable=True),
    sa.Column('cost', sa.Double(), nullable=True),
    sa.Column('paired', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('stock_drawn', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('allocation', 'manual', 'blocked')", name=op.f('ck_quote_lines_kind')),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'], name=op.f('fk_quote_lines_quote_id_quotes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_lines'))
    )
    op.create_index(op.f('ix_quote_lines_quote_id'), 'quote_lines', ['quote_id'], unique=False)
    op.create_table('stock_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quote_id', sa.Integer(), nullable=False),
    sa.Column('stock_id', sa.String(length=64), nullable=False),
    sa.Column('units', sa.Double(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='active', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('active', 'released', 'expired')", name=op.f('ck_stock_holds_status')),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_stock_holds_expiry_after_creation')),
    sa.CheckConstraint('units > 0', name=op.f('ck_stock_holds_units_positive')),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'], name=op.f('fk_stock_holds_quote_id_quotes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_holds'))
    )
    op.create_index('ix_stock_holds_active', 'stock_holds', ['status', 'expires_at'], unique=False)
    op.create_index(op.f('ix_stock_holds_quote_id'), 'stock_holds', ['quote_id'], unique=False)
    op.create_index(op.f('ix_stock_holds_stock_id'), 'stock_holds', ['stock_id'], unique=False)
    op.create_table('prices',
    sa.Column('bank_id', sa.String(length=64), nullable=False),
    sa.Column('habitat', sa.Text(), nullable=False),
    sa.Column('contract_size', sa.String(length=16), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('price', sa.Double(), nullable=False),
    sa.CheckConstraint("contract_size IN ('fractional', 'small', 'medium', 'large')", name=op.f('ck_prices_contract_size')),
    sa.CheckConstraint("tier IN ('local', 'adjacent', 'far')", name=op.f('ck_prices_tier')),
    sa.CheckConstraint('price > 0', name=op.f('ck_prices_price_positive')),
    sa.ForeignKeyConstraint(['bank_id'], ['banks.bank_id'], name=op.f('fk_prices_bank_id_banks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['habitat'], ['habitats.label'], name=op.f('fk_prices_habitat_habitats')),
    sa.PrimaryKeyConstraint('bank_id', 'habitat', 'contract_size', 'tier', name=op.f('pk_prices'))
    )
    op.create_table('stock_lines',
    sa.Column('stock_id', sa.String(length=64), nullable=False),
    sa.Column('bank_id', sa.String(length=64), nullable=False),
    sa.Column('habitat', sa.Text(), nullable=False),
    sa.Column('units_available', sa.Double(), nullable=False),
    sa.Column('units_held', sa.Double(), server_default='0', nullable=False),
    sa.CheckConstraint('units_available >= 0', name=op.f('ck_stock_lines_available_not_negative')),
    sa.CheckConstraint('units_held <= units_available', name=op.f('ck_stock_lines_held_within_available')),
    sa.CheckConstraint('units_held >= 0', name=op.f('ck_stock_lines_held_not_negative')),
    sa.ForeignKeyConstraint(['bank_id'], ['banks.bank_id'], name=op.f('fk_stock_lines_bank_id_banks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['habitat'], ['habitats.label'], name=op.f('fk_stock_lines_habitat_habitats')),
    sa.PrimaryKeyConstraint('stock_id', name=op.f('pk_stock_lines')),
    sa.UniqueConstraint('bank_id', 'habitat', deferrable=True, initially='DEFERRED', name='uq_stock_lines_bank_habitat')
    )


def downgrade() -> None:
    op.drop_table('stock_lines')
    op.drop_table('prices')
    op.drop_index(op.f('ix_stock_holds_stock_id'), table_name='stock_holds')
    op.drop_index(op.f('ix_stock_holds_quote_id'), table_name='stock_holds')
    op.drop_index('ix_stock_holds_active', table_name='stock_holds')
    op.drop_table('stock_holds')
    op.drop_index(op.f('ix_quote_lines_quote_id'), table_name='quote_lines')
    op.drop_table('quote_lines')
    op.drop_table('nca_neighbours')
    op.drop_table('lpa_neighbours')
    op.drop_table('banks')
    op.drop_table('waterbodies')
    op.drop_table('reference_versions')
    op.drop_index('ix_quotes_nca_number', table_name='quotes')
    op.drop_index('ix_quotes_lpa_code', table_name='quotes')
    op.drop_index('ix_quotes_created_at', table_name='quotes')
    op.drop_table('quotes')
    op.drop_table('promoters')
    op.drop_table('ncas')
    op.drop_table('lpas')
    op.drop_table('habitats')
    op.execute(sa.schema.DropSequence(sa.Sequence("quote_number_seq")))
