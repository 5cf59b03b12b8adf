"""first_name mirrors display_name (Member.save keeps it): fill it for existing members."""

from django.db import migrations
from django.db.models import F


def mirror(apps, schema_editor):
    apps.get_model("community", "Member").objects.update(first_name=F("display_name"))


class Migration(migrations.Migration):
    dependencies = [("community", "0005_reading_languages")]

    operations = [migrations.RunPython(mirror, migrations.RunPython.noop)]
