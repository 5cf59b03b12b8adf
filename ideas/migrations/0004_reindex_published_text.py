"""The search index held each idea's raw Markdown source, personal data included: rebuild it from
what is published (the masked title and the cleaned, masked description)."""

from django.db import migrations


def reindex(apps, schema_editor):
    # The index is defined by the current model's search_fields, not by the historical state.
    from modelsearch.backends import get_search_backends

    from ideas.models import Idea

    ideas = list(Idea.objects.order_by("pk"))
    if not ideas:
        return
    for backend in get_search_backends():
        for start in range(0, len(ideas), 1000):
            backend.add_bulk(Idea, ideas[start : start + 1000])


class Migration(migrations.Migration):
    dependencies = [("ideas", "0003_staff_permissions"), ("wagtailsearch", "__latest__")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
