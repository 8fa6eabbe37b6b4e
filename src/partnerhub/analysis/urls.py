from partnerhub.analysis import brief_urls, map_urls, profile_urls

app_name = "analysis"
# The fixed paths (countries/balance/, the brief) come before countries/<iso3>/.
urlpatterns = [
    *map_urls.urlpatterns,
    *brief_urls.urlpatterns,
    *profile_urls.urlpatterns,
]
