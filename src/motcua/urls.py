from django.contrib import admin
from django.urls import include, path

from motcua.api.main import api

urlpatterns = [
    path("", include("motcua.ui.urls")),
    path("to-chuc/", include("motcua.org.urls")),
    path("lich-lam-viec/", include("motcua.worktime.urls")),
    path("danh-muc-thu-tuc/", include("motcua.catalog.exchange_urls")),
    path("danh-muc-thu-tuc/", include("motcua.catalog.urls")),
    path("dich-vu-cong/", include("motcua.portal.urls")),
    path("ho-so/", include("motcua.dossiers.urls")),
    path("thong-bao/", include("motcua.notify.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("quan-tri/", admin.site.urls),
]
