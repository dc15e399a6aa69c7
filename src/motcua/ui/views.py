"""The staff UI shell: sign-in, the home page per role, the staff member's own account."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.api.models import ApiToken
from motcua.api.tokens import create_api_token, revoke_api_token
from motcua.audit.selectors import recent_events
from motcua.org.access import require_role
from motcua.org.models import Role
from motcua.org.services import set_staff_password
from motcua.ui import home as home_panels
from motcua.ui.forms import LoginForm, OwnPasswordForm, TokenForm


class LoginView(auth_views.LoginView):
    template_name = "ui/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """Shown instead of the login page while a username is locked after repeated failures."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "ui/lockout.html", {"cooloff_minutes": minutes},
                  status=settings.AXES_HTTP_RESPONSE_CODE)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "ui/home.html", {"panels": home_panels.panels_for(request.user)})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    password_form = OwnPasswordForm(request.user, prefix="pw")
    token_form = TokenForm(prefix="token")
    new_token = None
    if request.method == "POST" and "pw-old_password" in request.POST:
        password_form = OwnPasswordForm(request.user, request.POST, prefix="pw")
        if password_form.is_valid():
            try:
                set_staff_password(actor=request.user, user=request.user,
                                   password=password_form.cleaned_data["new_password1"])
            except ValidationError as exc:
                password_form.add_error("new_password1", exc)
            else:
                request.user.refresh_from_db()
                update_session_auth_hash(request, request.user)
                messages.success(request, _("Đã đổi mật khẩu."))
                return redirect("ui:account")
    elif request.method == "POST":
        token_form = TokenForm(request.POST, prefix="token")
        if token_form.is_valid():
            _token, new_token = create_api_token(actor=request.user, user=request.user,
                                                 name=token_form.cleaned_data["name"])
            token_form = TokenForm(prefix="token")
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(request, "ui/account.html", {
        "password_form": password_form, "token_form": token_form, "tokens": tokens,
        "new_token": new_token,
    })


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("Đã thu hồi mã truy cập %(prefix)s…") % {"prefix": token.prefix})
    return redirect("ui:account")


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.ADMINISTRATOR, Role.AGENCY_LEADER)
    events = recent_events(action_prefix=request.GET.get("action", "").strip())
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "ui/audit.html", {"page": page, "action": request.GET.get("action", "")})
