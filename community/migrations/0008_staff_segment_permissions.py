"""Let the "Staff" group manage customer segments (who a poll asks) in the Wagtail admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF_GROUP = "Staff"
CODENAMES = ["add_segment", "change_segment", "delete_segment", "view_segment"]


def grant(apps, schema_editor):
    # Permissions are created after all migrations (post_migrate): create ours now to grant them.
    app_config = apps.get_app_config("community")
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="community", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0007_segment"),
        ("community", "0003_staff_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
