from django.urls import URLPattern, path

from partnerhub.search import views

app_name = "search"
urlpatterns: list[URLPattern] = [
    path("", views.results, name="results"),
    path("suggest/", views.suggestions, name="suggest"),
]
