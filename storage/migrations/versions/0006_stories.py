"""stories, near-duplicate index, revisions, raw-record pointers and extractor version, the
publication date of each URL an article was met under

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

Columns are added to `articles` with plain ALTER TABLE (no batch copy on SQLite), so the search
triggers of 0005 stay. Articles stored before this revision get their story from
`tinbao db upgrade`, which indexes every article whose story_id is NULL (storage/stories.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

def _article_columns() -> tuple[sa.Column[object], ...]:
    return (
    sa.Column("story_id", sa.Integer(), nullable=True),
    sa.Column("revised_at", storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column("warc_file", sa.String(length=512), nullable=True),
    sa.Column("warc_offset", sa.BigInteger(), nullable=True),
    sa.Column("extractor_version", sa.String(length=32), nullable=True),
    )


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("original_id", sa.Integer(), nullable=True),
        sa.Column(
            "first_published_at", storage.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "article_signatures",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
    )
    op.create_table(
        "lsh_bands",
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "article_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_lsh_bands_article_id", "lsh_bands", ["article_id"])
    op.create_table(
        "article_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("lead", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_article_revisions_article_id", "article_revisions", ["article_id"])
    for column in _article_columns():
        op.add_column("articles", column)
    op.add_column(
        "article_urls",
        sa.Column("published_at", storage.models.UTCDateTime(timezone=True), nullable=True),
    )
    op.execute(  # the dates known so far: each article's own, on its URLs
        "UPDATE article_urls SET published_at = "
        "(SELECT published_at FROM articles WHERE articles.id = article_urls.article_id)"
    )
    op.create_index("ix_articles_story_id", "articles", ["story_id"])


def downgrade() -> None:
    op.drop_column("article_urls", "published_at")
    op.drop_index("ix_articles_story_id", table_name="articles")
    for column in reversed(_article_columns()):
        op.drop_column("articles", column.name)  # SQLite 3.35+ drops columns in place
    op.drop_index("ix_article_revisions_article_id", table_name="article_revisions")
    op.drop_table("article_revisions")
    op.drop_index("ix_lsh_bands_article_id", table_name="lsh_bands")
    op.drop_table("lsh_bands")
    op.drop_table("article_signatures")
    op.drop_table("stories")
