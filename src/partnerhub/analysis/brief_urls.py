"""URL patterns, gathered into partnerhub.analysis.urls."""

urlpatterns = []
