from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: nhập sai nhiều lần "
                           "sẽ bị tạm khóa đăng nhập."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }


class OwnPasswordForm(PasswordChangeForm):
    """Checks the old password and the new one twice; the change itself goes through a service."""

    def save(self, commit: bool = True):  # the service saves, with its audit record
        raise RuntimeError("use motcua.org.services.set_staff_password")


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên gợi nhớ"), max_length=100, required=False,
                           help_text=_("Ví dụ: kết nối phần mềm thống kê"))
