from django.contrib.auth import views as auth_views
from django.urls import path

from motcua.ui import views

app_name = "ui"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/", views.account, name="account"),
    path("tai-khoan/ma-truy-cap/<int:pk>/thu-hoi/", views.revoke_token, name="revoke_token"),
    path("nhat-ky/", views.audit_log, name="audit"),
]
