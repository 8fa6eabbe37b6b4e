"""The knowledge pages: lessons (with evaluations and pilot results), crises and focal points."""

from django.urls import URLPattern, path

from partnerhub.knowledge import crisis_views, directory_views, lesson_views

app_name = "knowledge"
urlpatterns: list[URLPattern] = []

# lessons
urlpatterns += [
    path("lessons/", lesson_views.lesson_list, name="lesson_list"),
    path("lessons.<str:file_format>", lesson_views.lesson_export, name="lesson_export"),
    path("lessons/new/", lesson_views.lesson_create, name="lesson_create"),
    path("lessons/<int:pk>/", lesson_views.lesson_detail, name="lesson_detail"),
    path("lessons/<int:pk>/edit/", lesson_views.lesson_update, name="lesson_update"),
    path("lessons/<int:pk>/delete/", lesson_views.lesson_delete, name="lesson_delete"),
    path("lessons/<int:pk>/outcomes/new/", lesson_views.outcome_create, name="outcome_create"),
    path("outcomes/<int:pk>/edit/", lesson_views.outcome_update, name="outcome_update"),
    path("outcomes/<int:pk>/delete/", lesson_views.outcome_delete, name="outcome_delete"),
    path("lessons/<int:pk>/documents/new/", lesson_views.attachment_create, name="attachment_create"),
    path("documents/<int:pk>/", lesson_views.attachment_download, name="attachment_download"),
    path("documents/<int:pk>/delete/", lesson_views.attachment_delete, name="attachment_delete"),
]

# crises and directory
urlpatterns += [
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
]
