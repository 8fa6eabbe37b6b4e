"""URL patterns of the overlap finder's pages, gathered into partnerhub.analysis.urls."""

from django.urls import path

from partnerhub.analysis import overlap_views

urlpatterns = [
    path("overlaps/", overlap_views.overlap_list, name="overlap_list"),
    path("overlaps/<int:pk>/", overlap_views.overlap_detail, name="overlap_detail"),
    path("countries/<str:iso3>/overlaps/run/", overlap_views.country_overlap_run, name="overlap_country_run"),
]
