from django.urls import path

from partnerhub.registry.views import browse, edit

app_name = "registry"
urlpatterns = [
    path("", browse.engagement_list, name="engagement_list"),
    path("export.<str:file_format>", browse.engagement_export, name="engagement_export"),
    path("new/", edit.engagement_create, name="engagement_create"),
    path("<int:pk>/", browse.engagement_detail, name="engagement_detail"),
    path("<int:pk>/edit/", edit.engagement_update, name="engagement_update"),
    path("<int:pk>/delete/", edit.engagement_delete, name="engagement_delete"),
]
