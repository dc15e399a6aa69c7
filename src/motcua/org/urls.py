from django.urls import path

from motcua.org import views

app_name = "org"
urlpatterns = [
    path("don-vi/", views.unit_list, name="units"),
    path("don-vi/them/", views.unit_create, name="unit_create"),
    path("can-bo/", views.staff_list, name="staff"),
    path("can-bo/them/", views.staff_create, name="staff_create"),
]
