from django.urls import path

from motcua.dossiers import ledger_views, views, views_dossier, views_print, views_reception

app_name = "dossiers"
urlpatterns = [
    path("", views.queues, name="queues"),
    path("tiep-nhan/", views_reception.receive, name="receive"),
    path("tiep-nhan/tim-thu-tuc/", views_reception.procedure_search, name="procedure_search"),
    path("tiep-nhan/thu-tuc/", views_reception.procedure_block, name="procedure_block"),
    path("tiep-nhan/nguoi-nop/", views_reception.applicant_lookup, name="applicant_lookup"),
    *ledger_views.urlpatterns,
    path("<str:key>/", views_dossier.detail, name="detail"),
    path("<str:key>/tiep-nhan/", views_reception.receive_waiting, name="receive_waiting"),
    path("<str:key>/giay-tiep-nhan/", views_print.receipt, name="receipt"),
    path("<str:key>/phieu-huong-dan/", views_print.completion_guide, name="completion_guide"),
    path("<str:key>/phieu-tu-choi/", views_print.refusal, name="refusal"),
    path("<str:key>/phieu-kiem-soat/", views_print.control_slip, name="control_slip"),
    path("<str:key>/tep/<int:file_id>/", views_dossier.file_download, name="file"),
    *(path(f"<str:key>/{page.slug}/", views_dossier.ACTION_VIEWS[name], name=name)
      for name, page in views_dossier.ACTION_PAGES.items()),
]
