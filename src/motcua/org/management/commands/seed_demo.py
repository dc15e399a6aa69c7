from django.core.management.base import BaseCommand

from motcua.catalog.demo import load_demo_catalogue
from motcua.dossiers.demo import load_demo_dossiers
from motcua.org.demo import DEMO_PASSWORD, load_demo, login_table


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (Sở Tài nguyên và Môi trường thành phố Cần Thơ); chạy lại không nhân đôi."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true",
                            help="không in bảng tài khoản đăng nhập mẫu")
        parser.add_argument("--no-dossiers", action="store_true",
                            help="không nạp hồ sơ mẫu (ví dụ khi chạy bench với lịch sử hồ sơ riêng)")

    def handle(self, *args, quiet_logins: bool = False, no_dossiers: bool = False, **options):
        agency, created = load_demo()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu mẫu: {agency.name}."))
        else:
            self.stdout.write(f"Dữ liệu mẫu đã có sẵn: {agency.name} (giữ nguyên).")
        catalogue = load_demo_catalogue(agency)
        if catalogue is not None:
            self.stdout.write(self.style.SUCCESS(
                f"Đã nạp danh mục mẫu: {catalogue.total} thủ tục hành chính."))
        dossiers = None if no_dossiers else load_demo_dossiers(agency)
        if dossiers is not None:
            self.stdout.write(self.style.SUCCESS(
                f"Đã nạp hồ sơ mẫu: {dossiers} hồ sơ trong ba tháng gần đây."))
        if quiet_logins:
            return
        self.stdout.write("")
        self.stdout.write("Tài khoản mẫu (mật khẩu ban đầu, nếu chưa đổi: "
                          f"{DEMO_PASSWORD}):")
        for username, name, where in login_table():
            self.stdout.write(f"  {username:<12} {name:<24} {where}")
