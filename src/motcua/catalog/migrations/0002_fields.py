"""The fields of administrative procedures that a Department of Natural Resources and Environment
and its neighbours publish (the national database's lĩnh vực names). Administrators add others."""

from django.db import migrations

FIELDS = (
    ("dat-dai", "Đất đai"),
    ("moi-truong", "Môi trường"),
    ("tai-nguyen-nuoc", "Tài nguyên nước"),
    ("khoang-san", "Địa chất và khoáng sản"),
    ("do-dac-ban-do", "Đo đạc, bản đồ và thông tin địa lý"),
    ("khi-tuong-thuy-van", "Khí tượng thủy văn"),
    ("bien-hai-dao", "Biển và hải đảo"),
    ("bien-doi-khi-hau", "Biến đổi khí hậu"),
    ("vien-tham", "Viễn thám"),
    ("xay-dung", "Xây dựng"),
)


def add_fields(apps, schema_editor):
    Field = apps.get_model("catalog", "Field")
    for position, (code, name) in enumerate(FIELDS, start=1):
        Field.objects.get_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(add_fields, migrations.RunPython.noop)]
