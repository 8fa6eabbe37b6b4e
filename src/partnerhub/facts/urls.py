"""The key-facts pages, under /facts/."""

from django.urls import URLPattern

app_name = "facts"

urlpatterns: list[URLPattern] = []
