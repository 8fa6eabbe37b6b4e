from django.urls import path

from partnerhub.sheets import views

app_name = "sheets"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.<str:file_format>", views.template_download, name="template"),
    path("<int:pk>/", views.batch_preview, name="batch_preview"),
    path("<int:pk>/confirm/", views.batch_confirm, name="batch_confirm"),
]
