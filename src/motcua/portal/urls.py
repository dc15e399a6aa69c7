from django.urls import path
from django.views.generic import RedirectView

from motcua.portal import views

app_name = "portal"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:procedure_list"), name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("thu-tuc/<str:code>/mau/<int:document_id>/", views.template_download, name="template_download"),
]
