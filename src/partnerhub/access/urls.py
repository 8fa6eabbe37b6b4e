from django.urls import path

from partnerhub.access import views

app_name = "access"
urlpatterns = [
    path("", views.account, name="account"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
