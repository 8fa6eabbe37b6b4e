"""URL patterns of the country brief, gathered into partnerhub.analysis.urls."""

from django.urls import path

from partnerhub.analysis import brief_views

urlpatterns = [
    path("countries/<str:iso3>/brief.<str:file_format>", brief_views.country_brief, name="country_brief"),
]
