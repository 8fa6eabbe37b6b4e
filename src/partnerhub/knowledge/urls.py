"""The knowledge pages (under /knowledge/)."""

from django.urls import URLPattern, path

from partnerhub.knowledge import crisis_views, directory_views

app_name = "knowledge"
urlpatterns: list[URLPattern] = [
    # crises and directory
    path("crises/", crisis_views.crisis_list, name="crisis_list"),
    path("crises/new/", crisis_views.crisis_create, name="crisis_create"),
    path("crises/<int:pk>/", crisis_views.crisis_detail, name="crisis_detail"),
    path("crises/<int:pk>/edit/", crisis_views.crisis_update, name="crisis_update"),
    path("crises/<int:pk>/close/", crisis_views.crisis_close, name="crisis_close"),
    path("crises/<int:pk>/reopen/", crisis_views.crisis_reopen, name="crisis_reopen"),
    path("directory/", directory_views.directory, name="directory"),
    path("directory.csv", directory_views.directory_export, name="directory_export"),
    path("directory/mine/", directory_views.my_entry, name="my_entry"),
    path("directory/new/", directory_views.focal_point_create, name="focal_point_create"),
    path("directory/<int:pk>/", directory_views.focal_point_detail, name="focal_point_detail"),
    path("directory/<int:pk>/edit/", directory_views.focal_point_update, name="focal_point_update"),
    path("directory/<int:pk>/confirm/", directory_views.focal_point_confirm, name="focal_point_confirm"),
    path("directory/<int:pk>/delete/", directory_views.focal_point_delete, name="focal_point_delete"),
    # end of crises and directory
]
