"""Talent Partnerships: the matching pages (``matching_views``).

A suggestion's address ends with its need, the record it is read through: hidden need, 404."""

from django.urls import path

from partnerhub.talent import matching_views

app_name = "talent"
urlpatterns = [
    path("matching/needs/", matching_views.match_needs, name="match_needs"),
    path("matching/supply/", matching_views.match_supply, name="match_supply"),
    path("matching/suggestions/", matching_views.match_all, name="match_all"),
    path(
        "matching/<str:iso3>/<str:code>/needs/<int:need_id>/",
        matching_views.match_detail,
        name="match_detail",
    ),
    path(
        "matching/<str:iso3>/<str:code>/needs/<int:need_id>/override/",
        matching_views.override_create,
        name="override_create",
    ),
    path("matching/overrides/<int:pk>/withdraw/", matching_views.override_withdraw, name="override_withdraw"),
    path("matching/needs.<str:file_format>", matching_views.match_export, {"side": "needs"}, name="match_export"),
    path(
        "matching/supply.<str:file_format>", matching_views.match_export, {"side": "supply"}, name="match_supply_export"
    ),
    path("matching/exports/<int:pk>/", matching_views.match_export_job, name="match_export_job"),
    path("matching/exports/<int:pk>/download/", matching_views.match_export_download, name="match_export_download"),
]
