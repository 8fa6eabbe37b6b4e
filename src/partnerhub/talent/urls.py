"""Talent Partnerships: needs, supply, partnerships with their schemes and pipeline (under /talent/), and the
matching (``matching_views``: a suggestion's address ends with its need, the record it is read through)."""

from django.urls import URLPattern, path

from partnerhub.talent import matching_views, reference_views, views

app_name = "talent"
urlpatterns: list[URLPattern] = [
    path("", views.overview, name="overview"),
    path("partnerships.<str:file_format>", views.partnership_export, name="partnership_export"),
    path("pipeline.<str:file_format>", views.pipeline_export, name="pipeline_export"),
    path("partnerships/new/", views.partnership_create, name="partnership_create"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<int:pk>/edit/", views.partnership_update, name="partnership_update"),
    path("partnerships/<int:pk>/delete/", views.partnership_delete, name="partnership_delete"),
    path("partnerships/<int:pk>/schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/edit/", views.scheme_update, name="scheme_update"),
    path("schemes/<int:pk>/delete/", views.scheme_delete, name="scheme_delete"),
    path("schemes/<int:pk>/pipeline/new/", views.pipeline_create, name="pipeline_create"),
    path("pipeline/<int:pk>/edit/", views.pipeline_update, name="pipeline_update"),
    path("pipeline/<int:pk>/delete/", views.pipeline_delete, name="pipeline_delete"),
    path("needs/", views.need_list, name="need_list"),
    path("needs.<str:file_format>", views.need_export, name="need_export"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("needs/<int:pk>/edit/", views.need_update, name="need_update"),
    path("needs/<int:pk>/delete/", views.need_delete, name="need_delete"),
    path("supply/", views.supply_list, name="supply_list"),
    path("supply.<str:file_format>", views.supply_export, name="supply_export"),
    path("supply/new/", views.supply_create, name="supply_create"),
    path("supply/<int:pk>/", views.supply_detail, name="supply_detail"),
    path("supply/<int:pk>/edit/", views.supply_update, name="supply_update"),
    path("supply/<int:pk>/delete/", views.supply_delete, name="supply_delete"),
    # Reference data: the occupations and the safeguard lists.
    path("occupations/", reference_views.occupation_index, name="occupation_index"),
    path("occupations/<str:code>/", reference_views.occupation_detail, name="occupation_detail"),
    path("safeguards/", reference_views.safeguard_lists, name="safeguard_lists"),
    # The matching.
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
