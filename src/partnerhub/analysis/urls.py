from partnerhub.analysis import brief_urls, map_urls, overlap_urls

app_name = "analysis"
urlpatterns = [
    *map_urls.urlpatterns,
    *overlap_urls.urlpatterns,
    *brief_urls.urlpatterns,
]
