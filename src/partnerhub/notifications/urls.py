from django.urls import path

from partnerhub.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("follows/", views.follow_settings, name="follow_settings"),
    path("follow/", views.follow_toggle, name="follow_toggle"),
    path("unread/", views.unread_badge, name="unread_badge"),
]
