"""The knowledge pages: lessons (with evaluations and pilot results), crises and focal points."""

from django.urls import URLPattern, path

from partnerhub.knowledge import lesson_views

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
