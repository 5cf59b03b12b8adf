"""Staff create and publish pages (boards, the home page) anywhere in the page tree."""

from django.db import migrations

STAFF_GROUP = "Staff"
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = Page.objects.filter(depth=1).first()
    group = Group.objects.filter(name=STAFF_GROUP).first()
    if root is None or group is None:
        return
    for permission in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0003_staff_group"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
