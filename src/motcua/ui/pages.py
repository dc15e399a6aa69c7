"""Page helpers shared by the staff UI's modules."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def form_page(
    request: HttpRequest,
    form: Form,
    *,
    title: str,
    submit: str,
    cancel: str,
    breadcrumbs: list[tuple[str, str]],
    intro: str = "",
    danger: bool = False,
    template: str = "ui/form_page.html",
    **extra,
) -> HttpResponse:
    """A page with one form: breadcrumbs, title, optional intro, the fields, submit and cancel."""
    return render(request, template, {
        "form": form, "title": title, "submit_label": submit, "cancel_url": cancel,
        "breadcrumbs": breadcrumbs, "intro": intro, "danger": danger, **extra,
    })


def add_service_errors(form: Form, exc: ValidationError, default_field: str | None = None) -> None:
    """Attach a service's ValidationError to ``form``: each field's message next to the field
    when the form has it, the rest (and plain message lists) at ``default_field`` or on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field = name if name in form.fields and name != NON_FIELD_ERRORS else None
            form.add_error(field, ValidationError(errors))
    else:
        form.add_error(default_field, ValidationError(exc.error_list))
