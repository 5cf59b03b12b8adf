"""Let the "Staff" group manage the feedback taxonomy, keyword rules, touchpoints and customer
numbers in the Wagtail admin (the same grant as ideas' 0003, for this app's models)."""

from django.db import migrations

GRANTS = {
    "tag": ["add", "change", "view"],
    "keywordrule": ["add", "change", "delete", "view"],
    "touchpoint": ["add", "change", "view"],
    "customernumber": ["add", "change", "delete", "view"],
}


def grant(apps, schema_editor):
    import importlib

    from django.contrib.auth.management import create_permissions

    ideas_grant = importlib.import_module("ideas.migrations.0003_staff_permissions")
    # Permissions are created after all migrations (post_migrate): create ours now to grant them.
    app_config = apps.get_app_config("feedback")
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ideas_grant.STAFF_GROUP)
    codenames = [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="feedback", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_default_tags"),
        ("ideas", "0003_staff_permissions"),
        ("community", "0003_staff_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
