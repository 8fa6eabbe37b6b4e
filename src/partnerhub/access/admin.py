"""Admin for organisations, the people who work for them, and API tokens."""

import json
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from partnerhub.access.models import ApiToken, Membership, Organisation
from partnerhub.access.services import revoke_api_token

User = get_user_model()


class OrganisationMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    fields = ("user", "role")
    autocomplete_fields = ("user",)
    extra = 0
    verbose_name_plural = _("people in this organisation")


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ("organisation", "role")
    autocomplete_fields = ("organisation",)
    extra = 0
    verbose_name_plural = _("organisations this person works for")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "acronym", "kind", "country", "policy_area", "iati_identifier", "is_demo")
    list_filter = ("kind", "policy_area", "is_demo", ("country", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "acronym", "aliases", "iati_identifier")
    list_select_related = ("country",)
    autocomplete_fields = ("country",)
    fieldsets = (
        (None, {"fields": ("name", "acronym", "kind", "policy_area", "country")}),
        (_("Matching in imports"), {"fields": ("iati_identifier", "aliases")}),
        (_("Demo"), {"fields": ("is_demo",)}),
    )
    inlines = (OrganisationMembershipInline,)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Organisation], search_term: str
    ) -> tuple[QuerySet[Organisation], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # SQLite stores JSON text with non-ASCII letters escaped ("Int\u00e9rieur"), so
        # aliases are also searched in that spelling.
        escaped = json.dumps(search_term.strip())[1:-1]
        if escaped != search_term.strip():
            found |= queryset.filter(aliases__icontains=escaped)
        return found, may_have_duplicates


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role")
    list_filter = ("role", "organisation__kind")
    search_fields = ("user__username", "user__email", "organisation__name", "organisation__acronym")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, with the organisations each person works for."""

    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "organisations",
        "is_staff",
        "is_superuser",
        "is_active",
    )
    inlines = (UserMembershipInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("memberships__organisation")

    @admin.display(description=_("organisations"))
    def organisations(self, user: Any) -> str:
        return ", ".join(f"{m.organisation.short_name} ({m.get_role_display()})" for m in user.memberships.all())


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued to their owner, who sees the key once; here they can only be revoked."""

    list_display = ("name", "user", "hint", "created_at", "last_used_at")
    search_fields = ("name", "user__username", "hint")
    list_select_related = ("user",)
    fields = ("name", "user", "hint", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        revoke_api_token(obj, acting_user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            revoke_api_token(token, acting_user=request.user)
