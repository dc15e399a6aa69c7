from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.catalog import exchange
from motcua.catalog.management.commands.export_catalogue import find_agency
from motcua.catalog.spec import CatalogueInvalid


class Command(BaseCommand):
    help = ("Nhập danh mục thủ tục hành chính từ tệp JSON hoặc Excel (.xlsx): tất cả, hoặc — nếu tệp có "
            "lỗi — không thủ tục nào, kèm danh sách mọi lỗi.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp .json hoặc .xlsx")
        parser.add_argument("--agency", help="mã định danh của cơ quan (mặc định: cơ quan đầu tiên)")

    def handle(self, *args, file: str, agency: str | None = None, **options) -> None:
        found = find_agency(agency)
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(_("Không đọc được tệp %(path)s: %(error)s")
                               % {"path": file, "error": error}) from None
        try:
            report = exchange.import_file(actor=None, agency=found, content=content, filename=path.name)
        except CatalogueInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(str(problem))
            raise CommandError(_("Không có thủ tục nào được nhập (%(count)s lỗi).")
                               % {"count": len(invalid.problems)}, returncode=1) from None
        self.stdout.write(self.style.SUCCESS(_(
            "Đã thêm %(created)s, cập nhật %(updated)s, giữ nguyên %(unchanged)s thủ tục.")
            % {"created": len(report.created), "updated": len(report.updated),
               "unchanged": len(report.unchanged)}))
