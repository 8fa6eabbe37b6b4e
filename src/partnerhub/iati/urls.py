from django.urls import path

from partnerhub.iati import upload, views

app_name = "iati"
urlpatterns = [
    path("export.xml", views.engagement_export, name="export"),
    path("imports/new/", upload.import_job_create, name="import_job_create"),
    path("imports/", upload.import_job_list, name="import_job_list"),
    path("imports/<int:pk>/", upload.import_job_detail, name="import_job_detail"),
]
