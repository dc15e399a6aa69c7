from django.urls import path

from motcua.worktime import views

app_name = "worktime"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("ngay/them/", views.day_add, name="day_add"),
    path("ngay/<int:pk>/bo/", views.day_remove, name="day_remove"),
    path("gio-lam-viec/", views.hours_edit, name="hours_edit"),
    path("gio-lam-viec/don-vi/them/", views.unit_schedule_add, name="unit_schedule_add"),
    path("gio-lam-viec/don-vi/bo/", views.unit_schedule_remove, name="unit_schedule_remove"),
    path("tinh-han/", views.calculator, name="calculator"),
]
