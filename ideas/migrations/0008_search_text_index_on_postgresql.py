"""A GIN index on what Wagtail's PostgreSQL search backend matches.

The backend filters with `(title || body) @@ query` on wagtailsearch_indexentry, an expression no
index of Wagtail's covers, so every search read the whole table (every board's ideas). SQLite's
full-text tables need no such index (`manage.py optimize_search` keeps their statistics fresh).
"""

from django.db import migrations

INDEX = "wagtailsearch_indexentry_text_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry USING gin ((title || body))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0007_board_sorts_end_in_id"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
