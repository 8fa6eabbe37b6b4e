"""URL patterns of the country profile, gathered into partnerhub.analysis.urls."""

from django.urls import path

from partnerhub.analysis import profile_views

urlpatterns = [
    path("countries/<str:iso3>/", profile_views.country_profile_page, name="country_profile"),
    path("countries/<str:iso3>/priorities/new/", profile_views.priority_create, name="priority_create"),
    path("countries/<str:iso3>/priorities/comment/", profile_views.priority_comment, name="priority_comment"),
    path("countries/<str:iso3>/priorities/<int:pk>/edit/", profile_views.priority_update, name="priority_update"),
    path("countries/<str:iso3>/priorities/<int:pk>/delete/", profile_views.priority_delete,
         name="priority_delete"),
]
