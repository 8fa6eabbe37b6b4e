"""The overlap finder's pages: the list to review, one pair, and a run for one partner country."""

from django.urls import path

from partnerhub.overlaps import views

app_name = "overlaps"
urlpatterns = [
    path("overlaps/", views.overlap_list, name="overlap_list"),
    path("overlaps/<int:pk>/", views.overlap_detail, name="overlap_detail"),
    path("countries/<str:iso3>/overlaps/run/", views.country_overlap_run, name="overlap_country_run"),
]
