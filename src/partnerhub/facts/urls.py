"""The key-facts pages, under /facts/."""

from django.urls import URLPattern, path

from partnerhub.facts import views

app_name = "facts"

urlpatterns: list[URLPattern] = [
    # The propose – discuss – agree workflow (one figure) and the coordinators' queue.
    path("figures/new/", views.figure_create, name="figure_create"),
    path("figures/<int:pk>/", views.figure_detail, name="figure_detail"),
    path("figures/<int:pk>/propose/", views.figure_propose, name="figure_propose"),
    path("figures/<int:pk>/endorse/", views.figure_endorse, name="figure_endorse"),
    path("figures/<int:pk>/dispute/", views.figure_dispute, name="figure_dispute"),
    path("figures/<int:pk>/agree/", views.figure_agree, name="figure_agree"),
    path("figures/<int:pk>/keep-agreed/", views.figure_keep_agreed, name="figure_keep_agreed"),
    path("revisions/", views.revision_list, name="revision_list"),
]
