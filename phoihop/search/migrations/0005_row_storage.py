"""PostgreSQL: keep the rows of the search index narrow where queries read them.

A common query walks the rows newest first and tests each one's `document`; everything
else in the row only makes the walk read more pages. Rows longer than 2 kB are shrunk
down to 1 kB (toast_tuple_target) by moving the other long columns out of line — first
`prefixes` (EXTERNAL: needed only for the rows that match, and by the index), then the
bodies — while `document` stays in the row, uncompressed if possible (MAIN). New and
rewritten rows get this layout; existing ones keep theirs until the table is rewritten
(VACUUM FULL), which a fresh database does not need.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "ALTER TABLE search_searchentry SET (toast_tuple_target = 1024)",
    "ALTER TABLE search_searchentry ALTER COLUMN document SET STORAGE MAIN",
    "ALTER TABLE search_searchentry ALTER COLUMN prefixes SET STORAGE EXTERNAL",
]
POSTGRES_BACKWARD = [
    "ALTER TABLE search_searchentry ALTER COLUMN prefixes SET STORAGE EXTENDED",
    "ALTER TABLE search_searchentry ALTER COLUMN document SET STORAGE EXTENDED",
    "ALTER TABLE search_searchentry RESET (toast_tuple_target)",
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
    dependencies = [("search", "0004_words_index")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": [], "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": [], "postgresql": POSTGRES_BACKWARD}),
        )
    ]
