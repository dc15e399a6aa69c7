from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.catalog import exchange
from motcua.org.models import Agency
from motcua.org.selectors import default_agency


def find_agency(code: str | None) -> Agency:
    agency = Agency.objects.filter(code=code).first() if code else default_agency()
    if agency is None:
        raise CommandError(_("Không có cơ quan mã “%(code)s”.") % {"code": code} if code
                           else _("Chưa có cơ quan nào trong hệ thống."))
    return agency


class Command(BaseCommand):
    help = "Xuất toàn bộ danh mục thủ tục hành chính đã ban hành ra tệp JSON hoặc Excel (.xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=("json", "xlsx"), default="json", help="json hoặc xlsx")
        parser.add_argument("--output", required=True, help="tệp để ghi ra")
        parser.add_argument("--agency", help="mã định danh của cơ quan (mặc định: cơ quan đầu tiên)")

    def handle(self, *args, format: str, output: str, agency: str | None = None, **options) -> None:
        found = find_agency(agency)
        content = exchange.export_xlsx(found) if format == "xlsx" else exchange.export_json(found)
        try:
            Path(output).write_bytes(content)
        except OSError as error:
            raise CommandError(_("Không ghi được tệp %(path)s: %(error)s")
                               % {"path": output, "error": error}) from None
        self.stdout.write(self.style.SUCCESS(_("Đã xuất danh mục của %(agency)s ra %(path)s.")
                                             % {"agency": found.name, "path": output}))
