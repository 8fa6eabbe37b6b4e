"""The Talent Partnerships pages, under /talent/."""

from django.urls import URLPattern, path

from partnerhub.talent import reference_views

app_name = "talent"

urlpatterns: list[URLPattern] = [
    # Reference data: the occupations and the safeguard lists.
    path("occupations/", reference_views.occupation_index, name="occupation_index"),
    path("occupations/<str:code>/", reference_views.occupation_detail, name="occupation_detail"),
    path("safeguards/", reference_views.safeguard_lists, name="safeguard_lists"),
]
