"""Pages for the organisation: the unit tree and the staff directory for everyone signed in, and
the administrator's pages that change them. Each page parses a form and calls one service; the
services check permissions and rules and write the audit records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.org import forms, selectors, services
from motcua.org.access import can_manage_organisation, require_organisation_admin
from motcua.org.models import Agency, Position, Unit, User
from motcua.ui.pages import add_service_errors, form_page

STAFF_PER_PAGE = 25


def _staff_or_404(request: HttpRequest, pk: int) -> User:
    """A staff member of the signed-in person's agency (one who has held a position there)."""
    agency = _agency_or_404(request)
    return get_object_or_404(User.objects.filter(positions__unit__agency=agency).distinct(), pk=pk)


def _agency_or_404(request: HttpRequest) -> Agency:
    agency = selectors.agency_of(request.user)
    if agency is None:
        raise Http404(_("Chưa có cơ quan nào trong hệ thống."))
    return agency


def _unit_crumbs(unit: Unit | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("org:units"), _("Cơ cấu tổ chức"))]
    if unit is not None:
        crumbs.append((reverse("org:unit_detail", args=[unit.pk]), unit.name))
    return crumbs


def _staff_crumbs(staff: User | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("org:staff"), _("Cán bộ"))]
    if staff is not None:
        crumbs.append((reverse("org:staff_detail", args=[staff.pk]), staff.display_name()))
    return crumbs


# --- Units --------------------------------------------------------------------------------------


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    agency = selectors.agency_of(request.user)
    show_closed = request.GET.get("closed") == "1"
    rows = selectors.unit_directory(agency, include_closed=show_closed) if agency else []
    return render(request, "org/unit_list.html", {
        "agency": agency, "rows": rows, "show_closed": show_closed,
        "can_manage": can_manage_organisation(request.user),
    })


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("agency", "parent", "successor"), pk=pk,
                             agency=_agency_or_404(request))
    current, ended = selectors.unit_positions(unit)
    return render(request, "org/unit_detail.html", {
        "unit": unit,
        "ancestors": list(reversed(selectors.unit_ancestors(unit))),
        "children": unit.children.order_by("name"),
        "former_names": unit.former_names.all(),
        "predecessors": unit.predecessors.order_by("-valid_to", "name"),
        "current_positions": current, "ended_positions": ended,
        "is_active": unit.is_active(),
        "can_manage": can_manage_organisation(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    require_organisation_admin(request.user)
    agency = _agency_or_404(request)
    form = forms.UnitCreateForm(request.POST or None, agency=agency,
                                initial={"parent": request.GET.get("parent", "")})
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm đơn vị “%(name)s”.") % {"name": unit.name})
            return redirect("org:units")
    return form_page(request, form, title=_("Thêm đơn vị"), submit=_("Thêm đơn vị"),
                      cancel=reverse("org:units"), breadcrumbs=_unit_crumbs())


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_organisation_admin(request.user)
    unit = get_object_or_404(Unit, pk=pk, agency=_agency_or_404(request))
    form = forms.UnitEditForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin đơn vị."))
            return redirect("org:unit_detail", pk=unit.pk)
    return form_page(
        request, form, title=_("Sửa thông tin đơn vị"), submit=_("Lưu"),
        cancel=reverse("org:unit_detail", args=[unit.pk]), breadcrumbs=_unit_crumbs(unit),
        intro=_("Để đổi tên đơn vị, dùng chức năng “Đổi tên” để tên cũ được lưu lại trong lịch sử."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_rename(request: HttpRequest, pk: int) -> HttpResponse:
    require_organisation_admin(request.user)
    unit = get_object_or_404(Unit, pk=pk, agency=_agency_or_404(request))
    form = forms.UnitRenameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        old_name = unit.name
        try:
            unit = services.rename_unit(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã đổi tên “%(old)s” thành “%(new)s”.")
                             % {"old": old_name, "new": unit.name})
            return redirect("org:unit_detail", pk=unit.pk)
    return form_page(
        request, form, title=_("Đổi tên đơn vị"), submit=_("Đổi tên"),
        cancel=reverse("org:unit_detail", args=[unit.pk]), breadcrumbs=_unit_crumbs(unit),
        intro=_("Tên hiện tại: “%(name)s”, dùng từ ngày %(day)s. Tên cũ được giữ lại cho thời "
                "gian trước ngày đổi tên.") % {"name": unit.name,
                                               "day": unit.name_since.strftime("%d/%m/%Y")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_merge(request: HttpRequest, pk: int) -> HttpResponse:
    require_organisation_admin(request.user)
    unit = get_object_or_404(Unit, pk=pk, agency=_agency_or_404(request))
    form = forms.UnitMergeForm(request.POST or None, into=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.merge_units(actor=request.user, units=data["units"], into=unit,
                                 effective=data["effective"], decision=data["decision"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            names = ", ".join(u.name for u in data["units"])
            messages.success(request, _("Đã sáp nhập %(names)s vào “%(into)s”.")
                             % {"names": names, "into": unit.name})
            return redirect("org:unit_detail", pk=unit.pk)
    return form_page(
        request, form, title=_("Sáp nhập đơn vị vào “%(name)s”") % {"name": unit.name},
        submit=_("Sáp nhập"), cancel=reverse("org:unit_detail", args=[unit.pk]),
        breadcrumbs=_unit_crumbs(unit), danger=True,
        intro=_("Các đơn vị được chọn sẽ ngừng hoạt động và có đơn vị kế thừa là “%(name)s”. "
                "Hồ sơ cũ vẫn thuộc đơn vị cũ.") % {"name": unit.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    require_organisation_admin(request.user)
    unit = get_object_or_404(Unit, pk=pk, agency=_agency_or_404(request))
    form = forms.UnitDissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dissolve_unit(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã giải thể đơn vị “%(name)s”.") % {"name": unit.name})
            return redirect("org:unit_detail", pk=unit.pk)
    return form_page(
        request, form, title=_("Giải thể “%(name)s”") % {"name": unit.name},
        submit=_("Giải thể"), cancel=reverse("org:unit_detail", args=[unit.pk]),
        breadcrumbs=_unit_crumbs(unit), danger=True,
        intro=_("Đơn vị giải thể không bị xóa: hồ sơ và lịch sử của đơn vị vẫn được giữ."),
    )


# --- Staff --------------------------------------------------------------------------------------


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    agency = selectors.agency_of(request.user)
    can_manage = can_manage_organisation(request.user)
    form = forms.StaffFilterForm(request.GET or None, agency=agency, show_inactive=can_manage)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    staff = selectors.staff_directory(
        agency=agency, query=filters.get("q", ""), unit=filters.get("unit"), role=filters.get("role", ""),
        include_inactive=bool(filters.get("inactive")),
    )
    page = Paginator(staff, STAFF_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_manage": can_manage}
    partial = (request.headers.get("HX-Request") == "true"
               and request.headers.get("HX-History-Restore-Request") != "true")
    template = "org/_staff_results.html" if partial else "org/staff_list.html"
    return render(request, template, context)


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = _staff_or_404(request, pk)
    current, ended = selectors.staff_positions(staff)
    return render(request, "org/staff_detail.html", {
        "staff": staff, "current_positions": current, "ended_positions": ended,
        "can_manage": can_manage_organisation(request.user),
        "end_form": forms.PositionEndForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    require_organisation_admin(request.user)
    agency = _agency_or_404(request)
    form = forms.StaffCreateForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff = services.create_staff_with_position(
                actor=request.user, username=data["username"], full_name=data["full_name"],
                password=data["password1"], email=data["email"], phone=data["phone"],
                unit=data["unit"], role=data["role"], title=data["title"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="password1")
        else:
            messages.success(request, _("Đã tạo tài khoản “%(username)s” cho %(name)s.")
                             % {"username": staff.username, "name": staff.display_name()})
            return redirect("org:staff_detail", pk=staff.pk)
    return form_page(request, form, title=_("Thêm cán bộ"), submit=_("Tạo tài khoản"),
                      cancel=reverse("org:staff"), breadcrumbs=_staff_crumbs(),
                      template="org/staff_create.html")


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_organisation_admin(request.user)
    staff = _staff_or_404(request, pk)
    form = forms.StaffEditForm(request.POST or None, user=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_staff(actor=request.user, user=staff, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin cán bộ."))
            return redirect("org:staff_detail", pk=staff.pk)
    return form_page(request, form, title=_("Sửa thông tin cán bộ"), submit=_("Lưu"),
                      cancel=reverse("org:staff_detail", args=[staff.pk]),
                      breadcrumbs=_staff_crumbs(staff))


@login_required
@require_http_methods(["GET", "POST"])
def staff_password(request: HttpRequest, pk: int) -> HttpResponse:
    require_organisation_admin(request.user)
    staff = _staff_or_404(request, pk)
    form = forms.StaffPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_staff_password(actor=request.user, user=staff,
                                        password=form.cleaned_data["password1"])
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="password1")
        else:
            messages.success(request, _("Đã đặt mật khẩu mới cho %(name)s.")
                             % {"name": staff.display_name()})
            return redirect("org:staff_detail", pk=staff.pk)
    return form_page(
        request, form, title=_("Đặt mật khẩu mới cho %(name)s") % {"name": staff.display_name()},
        submit=_("Đặt mật khẩu"), cancel=reverse("org:staff_detail", args=[staff.pk]),
        breadcrumbs=_staff_crumbs(staff),
        intro=_("Hãy báo mật khẩu mới cho cán bộ qua kênh an toàn; cán bộ nên tự đổi mật khẩu "
                "sau khi đăng nhập."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def position_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_organisation_admin(request.user)
    staff = _staff_or_404(request, pk)
    form = forms.PositionForm(request.POST or None, agency=_agency_or_404(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_position(actor=request.user, user=staff, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm vị trí công tác."))
            return redirect("org:staff_detail", pk=staff.pk)
    return form_page(
        request, form, title=_("Thêm vị trí công tác cho %(name)s") % {"name": staff.display_name()},
        submit=_("Thêm vị trí"), cancel=reverse("org:staff_detail", args=[staff.pk]),
        breadcrumbs=_staff_crumbs(staff),
    )


@login_required
@require_http_methods(["GET", "POST"])
def position_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a position. The staff page posts here directly; GET shows the same form on its own
    page (and errors come back on it)."""
    require_organisation_admin(request.user)
    position = get_object_or_404(Position.objects.select_related("user", "unit"), pk=pk,
                                 unit__agency=_agency_or_404(request))
    staff = position.user
    form = forms.PositionEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_position(actor=request.user, position=position, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã kết thúc vị trí %(role)s tại %(unit)s.")
                             % {"role": position.get_role_display(), "unit": position.unit.name})
            return redirect("org:staff_detail", pk=staff.pk)
    return form_page(
        request, form, title=_("Kết thúc vị trí công tác"), submit=_("Kết thúc vị trí"),
        cancel=reverse("org:staff_detail", args=[staff.pk]), breadcrumbs=_staff_crumbs(staff),
        danger=True,
        intro=_("%(name)s — %(role)s, %(unit)s (từ ngày %(day)s).") % {
            "name": staff.display_name(), "role": position.get_role_display(),
            "unit": position.unit.name, "day": position.valid_from.strftime("%d/%m/%Y")},
    )
