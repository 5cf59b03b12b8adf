"""Ideas and comments record the language they are written in; existing rows get theirs."""

from django.conf import settings
from django.db import migrations, models

BATCH = 500


def fill_languages(apps, schema_editor):
    """Detect the language of what is already written, falling back to the author's language
    (community.languages.detect: the same rule as on write)."""
    from community.languages import detect

    for model, text in (("Idea", lambda row: f"{row.title}\n{row.body_source}"), ("Comment", lambda row: row.body_source)):
        rows = apps.get_model("ideas", model).objects.select_related("author").order_by("pk")
        batch = []
        for row in rows.iterator(chunk_size=BATCH):
            row.language = detect(text(row), fallback=row.author.preferred_language)
            batch.append(row)
            if len(batch) == BATCH:
                rows.model.objects.bulk_update(batch, ["language"])
                batch = []
        if batch:
            rows.model.objects.bulk_update(batch, ["language"])


class Migration(migrations.Migration):

    dependencies = [
        ('ideas', '0003_staff_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='language',
            field=models.CharField(choices=[('en', 'English'), ('nb', 'Norwegian Bokmål'), ('da', 'Danish'), ('sv', 'Swedish'), ('nl', 'Dutch')], default='en', max_length=8, verbose_name='language'),
        ),
        migrations.AddField(
            model_name='idea',
            name='language',
            field=models.CharField(choices=[('en', 'English'), ('nb', 'Norwegian Bokmål'), ('da', 'Danish'), ('sv', 'Swedish'), ('nl', 'Dutch')], default='en', max_length=8, verbose_name='language'),
        ),
        migrations.AddIndex(
            model_name='idea',
            index=models.Index(fields=['board', 'language', '-trending'], name='idea_board_language'),
        ),
        migrations.RunPython(fill_languages, migrations.RunPython.noop),
    ]
