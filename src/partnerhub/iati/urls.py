from django.urls import path

from partnerhub.iati.views import export, imports, sources

app_name = "iati"
urlpatterns = [
    path("export.xml", export.engagement_export, name="export"),
    path("imports/new/", imports.import_job_create, name="import_job_create"),
    path("imports/", imports.import_job_list, name="import_job_list"),
    path("imports/<int:pk>/", imports.import_job_detail, name="import_job_detail"),
    path("sources/", sources.source_list, name="source_list"),
    path("sources/<int:pk>/end/", sources.source_end, name="source_end"),
]
