from django.core.management.base import BaseCommand, CommandError

from motcua.api.tokens import create_api_token
from motcua.org.models import User


class Command(BaseCommand):
    help = "Tạo mã truy cập API cho một cán bộ; mã được in một mình trên dòng cuối."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="tên gợi nhớ của mã")

    def handle(self, *args, username: str, name: str, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"Không có cán bộ với tên đăng nhập “{username}”.") from exc
        token, raw = create_api_token(actor=None, user=user, name=name or "dòng lệnh")
        self.stderr.write(f"Mã truy cập cho {user.display_name()} ({token.prefix}…). "
                          "Hãy lưu lại: mã chỉ hiển thị một lần.")
        self.stdout.write(raw)
