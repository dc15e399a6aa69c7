from django.urls import path

from motcua.catalog import exchange_views

app_name = "catalog_exchange"
urlpatterns = [
    path("xuat/json/", exchange_views.export, {"kind": "json"}, name="export_json"),
    path("xuat/xlsx/", exchange_views.export, {"kind": "xlsx"}, name="export_xlsx"),
    path("nhap/", exchange_views.exchange_page, name="import"),
]
