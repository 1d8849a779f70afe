"""PostgreSQL: the prefixes of every word, so that the last word of a query (matched as a
prefix: "mai chau" finds "Mai Châu" and "Châu Thành") is one exact key of a GIN index.

A GIN prefix match (to_tsquery 'chau:*') collects every posting list of the matching
words into a bitmap before it can be combined with the other words: 25 times slower than
an exact word over a million rows (issue #10). The generated column holds each word's
leading 2 to 20 characters (no positions: only matched, never ranked), computed by the
database, so COPY and raw writes fill it too. SQLite needs nothing: FTS5 answers "chau"*
from its own index.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    # Immutable (to_tsvector with a fixed configuration), as a generated column needs.
    """CREATE FUNCTION search_prefixes(title text, body text) RETURNS tsvector
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
           SELECT coalesce(array_to_tsvector(array_agg(DISTINCT left(w, n))), ''::tsvector)
           FROM unnest(tsvector_to_array(to_tsvector(
                    'simple', coalesce(title, '') || ' ' || coalesce(body, '')))) AS w,
                generate_series(2, least(length(w), 20)) AS n
       $$""",
    """ALTER TABLE search_searchentry ADD COLUMN prefixes tsvector
       GENERATED ALWAYS AS (search_prefixes(folded_title, folded_body)) STORED""",
    "CREATE INDEX search_entry_prefixes_gin ON search_searchentry USING GIN (prefixes)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_prefixes_gin",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS prefixes",
    "DROP FUNCTION IF EXISTS search_prefixes(text, text)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"Search needs SQLite or PostgreSQL, not {schema_editor.connection.vendor}."
            )
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_index")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": [], "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": [], "postgresql": POSTGRES_BACKWARD}),
        )
    ]
