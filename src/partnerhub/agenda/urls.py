"""The calendar's pages and the lines to take."""

from django.urls import path

from partnerhub.agenda import views

app_name = "agenda"
urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("export.<str:file_format>", views.meeting_export, name="meeting_export"),
    path("month/", views.meeting_month, name="meeting_month"),
    path("week/", views.meeting_week, name="meeting_week"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_update, name="meeting_update"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/reinstate/", views.meeting_reinstate, name="meeting_reinstate"),
    path("clashes/", views.clash_overview, name="clash_overview"),
    path("counterparts/", views.counterpart_list, name="counterpart_list"),
    path("counterparts/<int:pk>/edit/", views.counterpart_update, name="counterpart_update"),
    path("feed/", views.feed_settings, name="feed_settings"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("lines/", views.line_list, name="line_list"),
    path("lines/new/", views.line_create, name="line_create"),
    path("lines/<int:pk>/", views.line_detail, name="line_detail"),
    path("lines/<int:pk>/edit/", views.line_update, name="line_update"),
    path("lines/<int:pk>/agree/", views.line_agree, name="line_agree"),
]
