"""The key-facts pages, under /facts/."""

from django.urls import path

from partnerhub.facts import views

app_name = "facts"

urlpatterns = [
    path("", views.indicator_list, name="indicator_list"),
    path("export.<str:file_format>", views.indicator_list_export, name="indicator_list_export"),
    path("<slug:code>/", views.indicator_detail, name="indicator_detail"),
    path("<slug:code>/export.<str:file_format>", views.indicator_export, name="indicator_export"),
    path("<slug:code>/origin/<str:iso3>/", views.origin_view, name="origin_view"),
    path("<slug:code>/destination/<str:iso3>/", views.destination_view, name="destination_view"),
]
