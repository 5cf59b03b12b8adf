"""The default workflow: New, Under review, Planned, In progress, Shipped, Declined, Merged,
plus the statuses for approval and withdrawal. Staff may rename, recolour or add statuses."""

from django.db import migrations

# A copy, not an import: a migration must not change when the model module does.
DEFAULT_STATUSES = [
    ("new", "New", "open", "#3b5bdb"),
    ("under-review", "Under review", "open", "#7048e8"),
    ("planned", "Planned", "planned", "#0c8599"),
    ("in-progress", "In progress", "in_progress", "#e67700"),
    ("shipped", "Shipped", "done", "#2b8a3e"),
    ("declined", "Declined", "declined", "#868e96"),
    ("merged", "Merged", "merged", "#868e96"),
    ("awaiting-approval", "Awaiting approval", "pending", "#868e96"),
    ("withdrawn", "Withdrawn", "withdrawn", "#868e96"),
    ("rejected", "Rejected", "rejected", "#868e96"),
]


def create_statuses(apps, schema_editor):
    Status = apps.get_model("ideas", "Status")
    for position, (slug, name, stage, color) in enumerate(DEFAULT_STATUSES):
        Status.objects.get_or_create(slug=slug, defaults={"name": name, "stage": stage, "color": color, "position": position})


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_ideas")]
    operations = [migrations.RunPython(create_statuses, migrations.RunPython.noop)]
