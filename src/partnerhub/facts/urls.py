"""The key-facts pages, under /facts/."""

from django.urls import URLPattern, path

from partnerhub.facts import views, workflow_views

app_name = "facts"

urlpatterns: list[URLPattern] = [
    # The propose – discuss – agree workflow (one figure) and the coordinators' queue.
    path("figures/new/", workflow_views.figure_create, name="figure_create"),
    path("figures/<int:pk>/", workflow_views.figure_detail, name="figure_detail"),
    path("figures/<int:pk>/propose/", workflow_views.figure_propose, name="figure_propose"),
    path("figures/<int:pk>/endorse/", workflow_views.figure_endorse, name="figure_endorse"),
    path("figures/<int:pk>/dispute/", workflow_views.figure_dispute, name="figure_dispute"),
    path("figures/<int:pk>/agree/", workflow_views.figure_agree, name="figure_agree"),
    path("figures/<int:pk>/keep-agreed/", workflow_views.figure_keep_agreed, name="figure_keep_agreed"),
    path("revisions/", workflow_views.revision_list, name="revision_list"),
    # The indicator pages: after the fixed paths above, which a code would otherwise take.
    path("", views.indicator_list, name="indicator_list"),
    path("export.<str:file_format>", views.indicator_list_export, name="indicator_list_export"),
    path("<slug:code>/", views.indicator_detail, name="indicator_detail"),
    path("<slug:code>/export.<str:file_format>", views.indicator_export, name="indicator_export"),
    path("<slug:code>/origin/<str:iso3>/", views.origin_view, name="origin_view"),
    path("<slug:code>/destination/<str:iso3>/", views.destination_view, name="destination_view"),
]
