"""The standard fields of administrative procedures (``motcua.catalog.fields``)."""

from django.db import migrations

from motcua.catalog.fields import STANDARD_FIELDS


def add_fields(apps, schema_editor):
    Field = apps.get_model("catalog", "Field")
    for position, (code, name) in enumerate(STANDARD_FIELDS, start=1):
        Field.objects.get_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(add_fields, migrations.RunPython.noop)]
