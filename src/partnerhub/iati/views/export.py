"""The IATI download of the engagement list: public engagements only."""

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from partnerhub.iati.export import iati_xml_chunks, public_only
from partnerhub.registry.filters import EngagementFilter
from partnerhub.registry.models import Engagement


@require_safe
def engagement_export(request):
    """The engagements of the list page's selection, as IATI 2.03 activity XML.

    Filters read as on the list page: an unknown value selects nothing, and the
    reader is sent back to the list, which says why. Confidential records never
    reach the file, even for their owners.
    """
    engagement_filter = EngagementFilter(
        request.GET, queryset=Engagement.objects.visible_to(request.user), request=request
    )
    engagements = public_only(engagement_filter.qs).in_stable_order()
    if not engagements.exists():
        messages.warning(
            request,
            _(
                "No public engagement matches these filters. The IATI file holds "
                "public engagements only, and needs one at least."
            ),
        )
        return redirect(_list_url(request))
    response = StreamingHttpResponse(iati_xml_chunks(engagements), content_type="application/xml")
    filename = f"engagements-{timezone.localdate():%Y-%m-%d}.iati.xml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _list_url(request) -> str:
    query = request.GET.urlencode()
    return reverse("registry:engagement_list") + (f"?{query}" if query else "")
