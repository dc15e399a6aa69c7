"""The REST API at /api/v1/: one router per resource, thin handlers over services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from motcua.api import dossiers, me, procedures, worktime
from motcua.api.auth import StaffToken
from motcua.dossiers.workflow import ActionRefused

api = NinjaAPI(
    title="motcua API",
    version="1",
    description="API của hệ thống một cửa điện tử motcua. Xác thực: `Authorization: Bearer <mã>`"
    " (tạo bằng `python manage.py create_api_token <tên đăng nhập>`).",
    auth=StaffToken(),
    urls_namespace="api-v1",
)
api.add_router("", me.router)
api.add_router("/worktime", worktime.router)
api.add_router("/procedures", procedures.router)
api.add_router("/dossiers", dossiers.router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": _("Cần mã truy cập hợp lệ (Authorization: Bearer <mã>).")}, status=401
    )


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("Không có quyền.")}, status=403)


@api.exception_handler(ActionRefused)
def refused(request, exc):
    """Not possible in the dossier's present state, or it changed since the caller looked."""
    return api.create_response(request, {"detail": exc.message}, status=409)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    return api.create_response(request, {"detail": _(
        "Yêu cầu quá lớn. Hãy gửi ít tệp hơn trong một lần, hoặc đính kèm tệp lớn trên trang nghiệp vụ.")},
        status=413)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Không tìm thấy.")}, status=404)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    first = next(iter(errors.values()))[0]
    return api.create_response(request, {"detail": first, "errors": errors}, status=422)


@api.exception_handler(NinjaValidationError)
def malformed(request, exc):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "body"))
        errors.setdefault(where or "__all__", []).append(_validation_message(error))
    first_field, messages = next(iter(errors.items()), ("", [""]))
    detail = _("Dữ liệu gửi lên không hợp lệ: %(field)s — %(message)s") % {
        "field": first_field, "message": messages[0]}
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _validation_message(error: dict) -> str:
    """Pydantic's message, in Vietnamese for the common cases (its own text is English)."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind in ("string_unicode", "surrogate"):
        return _("Có ký tự Unicode không hợp lệ.")
    if kind == "missing":
        return _("Thiếu giá trị bắt buộc.")
    if kind in ("int_parsing", "float_parsing", "decimal_parsing", "int_type", "float_type",
                "int_from_float"):
        return _("Phải là một số.")
    if kind == "string_too_long":
        return _("Dài quá %(limit)s ký tự.") % {"limit": context.get("max_length", "")}
    if kind == "too_long":
        return _("Nhiều quá %(limit)s mục.") % {"limit": context.get("max_length", "")}
    if kind == "string_too_short" and context.get("min_length") == 1:
        return _("Không được để trống.")
    if kind == "too_short":
        return _("Cần ít nhất %(limit)s mục.") % {"limit": context.get("min_length", "")}
    if kind in ("string_type", "string_too_short", "string_pattern_mismatch"):
        return _("Giá trị không đúng định dạng.")
    if kind in ("bool_type", "bool_parsing"):
        return _("Phải là true hoặc false.")
    if kind in ("list_type", "model_type", "model_attributes_type", "dict_type"):
        return _("Kiểu dữ liệu không đúng.")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        limit = next(iter(context.values()), "")
        return _("Giá trị nằm ngoài khoảng cho phép (%(limit)s).") % {"limit": limit}
    if kind in ("literal_error", "enum"):
        return _("Giá trị không thuộc danh sách cho phép.")
    return str(error.get("msg", ""))


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
