from django.urls import path

from motcua.org import views

app_name = "org"
urlpatterns = [
    path("don-vi/", views.unit_list, name="units"),
    path("don-vi/them/", views.unit_create, name="unit_create"),
    path("don-vi/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("don-vi/<int:pk>/sua/", views.unit_edit, name="unit_edit"),
    path("don-vi/<int:pk>/doi-ten/", views.unit_rename, name="unit_rename"),
    path("don-vi/<int:pk>/sap-nhap/", views.unit_merge, name="unit_merge"),
    path("don-vi/<int:pk>/giai-the/", views.unit_dissolve, name="unit_dissolve"),
    path("can-bo/", views.staff_list, name="staff"),
    path("can-bo/them/", views.staff_create, name="staff_create"),
    path("can-bo/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("can-bo/<int:pk>/sua/", views.staff_edit, name="staff_edit"),
    path("can-bo/<int:pk>/mat-khau/", views.staff_password, name="staff_password"),
    path("can-bo/<int:pk>/vi-tri/them/", views.position_add, name="position_add"),
    path("vi-tri/<int:pk>/ket-thuc/", views.position_end, name="position_end"),
]
