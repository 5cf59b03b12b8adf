"""The "Staff" group: every staff member is in it, and it opens the Wagtail admin."""

from django.db import migrations

STAFF_GROUP = "Staff"


def create_staff_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    group.permissions.add(*access)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0002_home_page"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_staff_group, migrations.RunPython.noop)]
