"""Let the "Staff" group use the idea tools in the Wagtail admin.

Staff edit and answer ideas (never add or delete them: members post, services withdraw and
reject), manage statuses (deleting one stays with superusers) and tags.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF_GROUP = "Staff"
GRANTS = {
    "idea": ["change", "view"],
    "status": ["add", "change", "view"],
    "ideatag": ["add", "change", "delete", "view"],
}


def grant(apps, schema_editor):
    # Django creates permissions after all migrations (post_migrate); create ours now so they
    # can be granted in the same run. A migration's app config is a stub without models_module,
    # which create_permissions checks before doing anything.
    app_config = apps.get_app_config("ideas")
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    codenames = [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="ideas", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]
    for group in Group.objects.filter(name=STAFF_GROUP):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="ideas", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0002_default_statuses"),
        ("community", "0003_staff_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
