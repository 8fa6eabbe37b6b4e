"""The country index and profiles, the balance table, the Team Europe views, the country brief and
the meetings' briefing packs."""

from django.urls import path

from partnerhub.analysis.views import brief, profile, teameurope

app_name = "analysis"
# The fixed paths (countries/balance/, the brief) come before countries/<iso3>/.
urlpatterns = [
    path("countries/", teameurope.country_index, name="country_index"),
    path("countries/balance/", teameurope.balance_table, name="balance_table"),
    path("team-europe/", teameurope.team_europe, name="team_europe"),
    path("team-europe/regions/", teameurope.region_index, name="region_index"),
    path("team-europe/routes/<str:code>/", teameurope.route_view, name="route_view"),
    path("team-europe/pillars/<str:code>/", teameurope.pillar_view, name="pillar_view"),
    path("countries/<str:iso3>/brief.<str:file_format>", brief.country_brief, name="country_brief"),
    # Under the meeting's own address, which the agenda cannot route here (it may not import analysis).
    path("agenda/meetings/<int:pk>/briefing-pack.docx", brief.meeting_pack, name="meeting_pack"),
    path("countries/<str:iso3>/", profile.country_profile_page, name="country_profile"),
    path("countries/<str:iso3>/priorities/new/", profile.priority_create, name="priority_create"),
    path("countries/<str:iso3>/priorities/comment/", profile.priority_comment, name="priority_comment"),
    path("countries/<str:iso3>/priorities/<int:pk>/edit/", profile.priority_update, name="priority_update"),
    path("countries/<str:iso3>/priorities/<int:pk>/delete/", profile.priority_delete, name="priority_delete"),
]
