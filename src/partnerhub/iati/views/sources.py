"""The data sources kept current from the IATI Registry: each subscribed
publisher and its files, when each was last checked and last changed, and
which are stale. Signed-in users read the page; editors of an organisation
subscribe the hub to a publisher for it, and end their organisation's
subscriptions (``iati.subscriptions``)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from partnerhub.access.models import Organisation
from partnerhub.iati.models import PublisherSubscription
from partnerhub.iati.subscriptions import (
    end_subscription,
    may_end,
    may_subscribe,
    subscribe,
    subscribing_organisations,
)


class SubscriptionForm(forms.Form):
    publisher_id = forms.CharField(
        label=gettext_lazy("Publisher's identifier in the IATI Registry"),
        max_length=100,
        help_text=gettext_lazy("For example ec-intpa, ec-near, ec-echo, giz, afd, enabel, sida, iom."),
    )
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("For the organisation"), queryset=Organisation.objects.none()
    )
    keep_all = forms.BooleanField(
        label=gettext_lazy("Import every activity, not only those about migration"), required=False
    )

    def __init__(self, organisations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations
        if len(organisations) == 1:
            field.initial = organisations[0].pk


@login_required
@require_http_methods(["GET", "POST"])
def source_list(request):
    organisations = subscribing_organisations(request.user)
    form = SubscriptionForm(organisations, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_subscribe(request.user):
            raise PermissionDenied(_("Only editors of an organisation subscribe the hub to IATI publishers."))
        if form.is_valid():
            try:
                subscription = subscribe(
                    form.cleaned_data["publisher_id"],
                    form.cleaned_data["organisation"],
                    acting_user=request.user,
                    keep_all=form.cleaned_data["keep_all"],
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(
                    request,
                    _("The hub now reads %(publisher)s from the IATI Registry, at the next sync.")
                    % {"publisher": subscription.publisher_id},
                )
                return redirect("iati:source_list")
    now = timezone.now()
    subscriptions = [
        {
            "subscription": subscription,
            "stale": subscription.is_stale(now),
            "may_end": may_end(subscription, request.user),
            "datasets": [{"dataset": d, "stale": d.is_stale(now)} for d in subscription.datasets.all()],
        }
        for subscription in PublisherSubscription.objects.visible_to(request.user)
        .select_related("organisation")
        .prefetch_related("datasets")
    ]
    return render(
        request,
        "iati/source_list.html",
        {
            "subscriptions": subscriptions,
            "form": form if organisations else None,
            "stale_days": settings.IATI_SYNC_STALE_DAYS,
            "sync_hour": str(settings.IATI_SYNC_HOUR).strip(),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def source_end(request, pk: int):
    subscription = get_object_or_404(PublisherSubscription.objects.visible_to(request.user), pk=pk)
    if not may_end(subscription, request.user):
        raise PermissionDenied(_("Only editors of the organisation that asked for it end a subscription."))
    end_subscription(subscription, acting_user=request.user)
    messages.success(
        request, _("The hub no longer reads %(publisher)s. What it imported stays.") % {"publisher": subscription}
    )
    return redirect("iati:source_list")
