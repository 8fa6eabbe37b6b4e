"""URL patterns of the country index, the balance table and the Team Europe views,
gathered into partnerhub.analysis.urls (before countries/<iso3>/)."""

from django.urls import path

from partnerhub.analysis import teameurope_views

urlpatterns = [
    path("countries/", teameurope_views.country_index, name="country_index"),
    path("countries/balance/", teameurope_views.balance_table, name="balance_table"),
    path("team-europe/", teameurope_views.team_europe, name="team_europe"),
    path("team-europe/regions/", teameurope_views.region_index, name="region_index"),
    path("team-europe/routes/<str:code>/", teameurope_views.route_view, name="route_view"),
    path("team-europe/pillars/<str:code>/", teameurope_views.pillar_view, name="pillar_view"),
]
