"""Talent Partnerships: the matching pages (``matching_views``)."""

from django.urls import path

from partnerhub.talent import matching_views

app_name = "talent"
urlpatterns = [
    path("matching/needs/", matching_views.match_needs, name="match_needs"),
    path("matching/supply/", matching_views.match_supply, name="match_supply"),
    path("matching/needs/<int:need_id>/", matching_views.match_need_all, name="match_need_all"),
    path("matching/supply/<str:iso3>/<str:code>/", matching_views.match_supply_all, name="match_supply_all"),
    path(
        "matching/needs/<int:need_id>/<str:iso3>/<str:code>/",
        matching_views.match_detail,
        name="match_detail",
    ),
    path(
        "matching/needs/<int:need_id>/<str:iso3>/<str:code>/override/",
        matching_views.override_create,
        name="override_create",
    ),
    path("matching/overrides/<int:pk>/withdraw/", matching_views.override_withdraw, name="override_withdraw"),
    path("matching/<str:side>.<str:file_format>", matching_views.match_export, name="match_export"),
    path("matching/exports/<int:pk>/", matching_views.match_export_job, name="match_export_job"),
    path("matching/exports/<int:pk>/download/", matching_views.match_export_download, name="match_export_download"),
]
