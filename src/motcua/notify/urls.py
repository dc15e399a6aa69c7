from django.urls import path

from motcua.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("doc-tat-ca/", views.mark_all_read, name="read_all"),
    path("<int:pk>/da-doc/", views.mark_read, name="read"),
    path("<int:pk>/mo/", views.open_notification, name="open"),
]
