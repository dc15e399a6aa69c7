from django.urls import path

from motcua.catalog import views
from motcua.catalog.models import Status

app_name = "catalog"
urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("them/", views.procedure_create, name="create"),
    path("mau-don/<slug:sha256>/", views.template_download, name="template"),
    path("<str:code>/", views.procedure_detail, name="detail"),
    path("<str:code>/sua/", views.procedure_edit, name="edit"),
    path("<str:code>/ban-hanh/", views.publish, name="publish"),
    path("<str:code>/bo-ban-nhap/", views.discard, name="discard"),
    path("<str:code>/sao-chep/", views.copy, name="copy"),
    path("<str:code>/tam-ngung/", views.change_status, {"status": Status.SUSPENDED}, name="suspend"),
    path("<str:code>/bai-bo/", views.change_status, {"status": Status.REPEALED}, name="repeal"),
    path("<str:code>/ap-dung-lai/", views.change_status, {"status": Status.IN_FORCE}, name="reinstate"),
    path("<str:code>/phien-ban/<int:number>/", views.version_detail, name="version"),
]
