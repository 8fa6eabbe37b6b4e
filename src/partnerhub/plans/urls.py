"""Action Plans, their actions and indicators."""

from django.urls import path

from partnerhub.plans import views

app_name = "plans"
urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_update, name="plan_update"),
    path("plans/<int:pk>/agree/", views.plan_agree, name="plan_agree"),
    path("plans/<int:pk>/next-version/", views.plan_draft_next, name="plan_draft_next"),
    path("plans/<int:pk>/actions.<str:file_format>", views.plan_export, name="plan_export"),
    path("plans/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("plans/actions/<int:pk>/edit/", views.action_update, name="action_update"),
    path("plans/actions/<int:pk>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("plans/indicators/<int:pk>/edit/", views.indicator_update, name="indicator_update"),
    path("plans/<int:pk>/reviews/open/", views.review_open, name="review_open"),
    path("plans/<int:pk>/reviews/compare/", views.review_compare, name="review_compare"),
    path("plans/reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("plans/actions/<int:pk>/fiche/", views.fiche_edit, name="fiche_edit"),
    path("plans/fiches/<int:pk>/", views.fiche_detail, name="fiche_detail"),
    path("plans/fiches/<int:pk>/fiche.docx", views.fiche_docx, name="fiche_docx"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("plans/actions/<int:pk>/delete/", views.action_delete, name="action_delete"),
    path("plans/indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("plans/fiches/<int:pk>/delete/", views.fiche_delete, name="fiche_delete"),
]
