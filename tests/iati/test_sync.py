"""The IATI Registry sync against a registry served on 127.0.0.1: no network.

IOM's real activities (dportal_118.xml) are split into three files the way a
publisher splits its data; the Commission's NEAR and INTPA activities make
the files that misbehave (slow, cut, not XML to the end, too large). What
should be downloaded, imported and withdrawn is worked out here from the XML
with lxml, independently of the importer.
"""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from lxml import etree

from partnerhub.core.models import ObjectChange
from partnerhub.iati.models import PublisherSubscription, RegistryDataset
from partnerhub.iati.sync import SyncOptions, sync_publishers
from partnerhub.registry.models import Engagement
from tests.iati.documents import SHARED_ACTIVITIES
from tests.iati.registry_server import FakeRegistry, dataset_xml
from tests.support.clients import client_for

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not SHARED_ACTIVITIES.is_dir(), reason=f"the real IATI files are not at {SHARED_ACTIVITIES} (../shared/data)"
    ),
]

PORTAL = SHARED_ACTIVITIES / "dportal-covid19-2021"
MAX_BYTES = 600_000
TIMEOUT = 2.0  # generous: a loaded machine must not make a good file look slow


def activities_of(name: str) -> list[etree._Element]:
    return list(etree.parse(str(PORTAL / name)).getroot().iter("iati-activity"))


def identifiers(xml: bytes) -> list[str]:
    """The iati-identifiers of a file, read with plain lxml."""
    root = etree.fromstring(xml)
    return [activity.findtext("iati-identifier").strip() for activity in root.iter("iati-activity")]


def held(identifier_list) -> set[str]:
    return set(
        Engagement.objects.unrestricted("the test reads what the sync wrote")
        .filter(iati_identifier__in=list(identifier_list))
        .values_list("iati_identifier", flat=True)
    )


def withdrawn(identifier_list) -> set[str]:
    return set(
        Engagement.objects.unrestricted("the test reads what the sync wrote")
        .filter(iati_identifier__in=list(identifier_list), withdrawn_at__isnull=False)
        .values_list("iati_identifier", flat=True)
    )


@pytest.fixture
def iom_files():
    iom = activities_of("dportal_118.xml")
    near = activities_of("dportal_95.xml")
    return {
        "iom-a": dataset_xml(iom[:40]),
        "iom-b": dataset_xml(iom[40:80]),
        "iom-c": dataset_xml(iom[80:]),
        "iom-slow": dataset_xml(near[:20]),
        "iom-cut": dataset_xml(near[20:50]),
        # Not XML to the end: the publisher's server sent a file cut short, whole as far as HTTP goes.
        "iom-broken": dataset_xml(near[50:75])[:-400],
        "iom-huge": (PORTAL / "dportal_82.xml").read_bytes(),
    }


@pytest.fixture
def registry(iom_files):
    served = FakeRegistry("iom", slow_seconds=TIMEOUT * 3).start()
    for name, body in iom_files.items():
        served.add(name, body)
    served.datasets["iom-c"].with_etag = False  # this server knows Last-Modified only
    served.datasets["iom-slow"].mode = "slow"
    served.datasets["iom-cut"].mode = "cut"
    served.datasets["iom-huge"].announce_size = False  # refused on the Content-Length the server sends
    yield served
    served.stop()


@pytest.fixture
def options(registry, tmp_path):
    return SyncOptions.from_settings(
        registry_url=registry.api_url, timeout=TIMEOUT, max_bytes=MAX_BYTES, download_dir=tmp_path, page_size=3
    )


@pytest.fixture
def iom_subscription(cast):
    # Every activity kept, so that what is imported is exactly what the files hold.
    return PublisherSubscription.objects.create(publisher_id="iom", organisation=cast.iom, keep_all=True)


def test_the_first_sync_imports_the_good_files_and_records_why_the_others_failed(
    registry, options, iom_subscription, iom_files, tmp_path
):
    [report] = sync_publishers("iom", options=options)

    good = {name: identifiers(iom_files[name]) for name in ("iom-a", "iom-b", "iom-c")}
    assert held(sum(good.values(), [])) == set(sum(good.values(), []))
    for name in ("iom-slow", "iom-cut", "iom-huge"):
        assert not held(identifiers(iom_files[name])), f"{name}: nothing of it is imported"
    # The broken file's activities, read from the file before it was cut short.
    assert not held(identifiers(dataset_xml(activities_of("dportal_95.xml")[50:75])))
    assert report.datasets == 7  # the organisation file is left out
    assert report.downloaded == 3 and report.failed == 4
    assert len(registry.api_calls) >= 3  # three pages of three, and package_show where resources were missing
    assert any("id" in call for call in registry.api_calls)

    datasets = {d.name: d for d in RegistryDataset.objects.all()}
    assert datasets["iom-a"].activities == 40 and datasets["iom-a"].last_changed_at is not None
    assert "time limit" in datasets["iom-slow"].last_error or "timed out" in datasets["iom-slow"].last_error
    assert "resumes from" in datasets["iom-cut"].last_error
    assert "line" in datasets["iom-broken"].last_error
    assert "above the limit of 600000 bytes" in datasets["iom-huge"].last_error
    assert not (tmp_path / "iom-huge.part").exists()
    for name in ("iom-slow", "iom-cut", "iom-broken", "iom-huge"):
        assert datasets[name].last_changed_at is None and datasets[name].etag == ""
    # Nothing complete stays on disk; the cut download waits to be resumed.
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xml") == []
    assert (tmp_path / "iom-cut.part").stat().st_size == len(iom_files["iom-cut"]) // 2


def test_the_nightly_sync_reads_only_what_changed_resumes_and_withdraws_what_vanished(
    registry, options, iom_subscription, iom_files, cast
):
    sync_publishers("iom", options=options)
    registry.forget_requests()
    iom_b = etree.fromstring(iom_files["iom-b"])
    gone = list(iom_b.iter("iati-activity"))[:5]
    for activity in gone:
        iom_b.remove(activity)
    changed_b = etree.tostring(iom_b, xml_declaration=True, encoding="UTF-8")
    registry.datasets["iom-b"].replace(changed_b)
    registry.datasets["iom-cut"].mode = ""

    [report] = sync_publishers("iom", options=options)

    assert [r.status for r in registry.served("iom-a")] == [304]
    assert registry.served("iom-a")[0].headers["If-None-Match"] == registry.datasets["iom-a"].etag
    assert [r.status for r in registry.served("iom-c")] == [304]
    assert "If-Modified-Since" in registry.served("iom-c")[0].headers
    assert [r.status for r in registry.served("iom-b")] == [200]
    [resumed] = registry.served("iom-cut")
    assert resumed.status == 206 and resumed.headers["Range"] == f"bytes={len(iom_files['iom-cut']) // 2}-"
    assert resumed.bytes_sent == len(iom_files["iom-cut"]) - len(iom_files["iom-cut"]) // 2
    assert held(identifiers(iom_files["iom-cut"])) == set(identifiers(iom_files["iom-cut"]))

    vanished = set(identifiers(iom_files["iom-b"])) - set(identifiers(changed_b))
    assert len(vanished) == 5
    assert withdrawn(identifiers(iom_files["iom-a"]) + identifiers(iom_files["iom-b"])) == vanished
    assert held(vanished) == vanished, "withdrawn, never deleted"
    assert report.withdrawn == 5 and report.downloaded == 2 and report.unchanged == 2
    one = Engagement.objects.unrestricted("test").get(iati_identifier=sorted(vanished)[0])
    change = ObjectChange.objects.filter(object_id=one.pk, changes__has_key="withdrawn_at").get()
    assert change.changes["withdrawn_at"][0] is None and change.user is None
    page = client_for(cast.giz_viewer).get(one.get_absolute_url()).content.decode()
    assert "ph-withdrawn" in page and "no longer in the publisher" in page


def test_a_withdrawn_activity_stated_again_is_current_and_a_vanished_file_withdraws_its_activities(
    registry, options, iom_subscription, iom_files
):
    sync_publishers("iom", options=options)
    full_b = registry.datasets["iom-b"].body
    iom_b = etree.fromstring(full_b)
    first = next(iom_b.iter("iati-activity"))
    iom_b.remove(first)
    registry.datasets["iom-b"].replace(etree.tostring(iom_b, xml_declaration=True, encoding="UTF-8"))
    sync_publishers("iom", options=options)
    identifier = first.findtext("iati-identifier").strip()
    assert withdrawn([identifier]) == {identifier}

    registry.datasets["iom-b"].replace(full_b + b"\n")  # stated again (and the file's hash changed)
    del registry.datasets["iom-c"]
    [report] = sync_publishers("iom", options=options)

    assert withdrawn([identifier]) == set()
    assert report.stated_again == 1
    assert withdrawn(identifiers(iom_files["iom-c"])) == set(identifiers(iom_files["iom-c"]))
    assert RegistryDataset.objects.get(name="iom-c").vanished_at is not None


def test_a_run_with_nothing_changed_downloads_nothing_and_writes_no_history(registry, options, iom_subscription):
    sync_publishers("iom", options=options)
    for name in ("iom-slow", "iom-cut", "iom-broken", "iom-huge"):
        del registry.datasets[name]
    sync_publishers("iom", options=options)
    registry.forget_requests()
    changes = ObjectChange.objects.count()

    [report] = sync_publishers("iom", options=options)

    assert {r.status for r in registry.files_served} == {304}
    assert report.bytes_downloaded == 0 and report.downloaded == 0 and report.failed == 0
    assert ObjectChange.objects.count() == changes


def test_an_unreachable_registry_is_an_error_on_the_publisher_and_changes_nothing(cast, tmp_path):
    subscription = PublisherSubscription.objects.create(publisher_id="giz", organisation=cast.giz)
    options = SyncOptions.from_settings(
        registry_url="http://127.0.0.1:9/api/3/action/", timeout=TIMEOUT, download_dir=tmp_path
    )

    [report] = sync_publishers("giz", options=options)

    subscription.refresh_from_db()
    assert report.failed == 1 and "IATI Registry could not be read" in subscription.last_error
    assert subscription.last_checked_at is None and subscription.is_stale()


def test_the_command_prints_a_summary_and_fails_when_a_file_failed(registry, iom_subscription, settings, tmp_path):
    settings.IATI_REGISTRY_URL = registry.api_url
    settings.IATI_SYNC_TIMEOUT_SECONDS = 10
    settings.IATI_SYNC_MAX_BYTES = MAX_BYTES
    settings.IATI_SYNC_DIR = tmp_path
    del registry.datasets["iom-slow"]
    output = StringIO()

    with pytest.raises(Exception, match="could not be synced"):
        call_command("sync-iati", "--publisher", "iom", "--json", stdout=output)

    [summary] = json.loads(output.getvalue().splitlines()[-1])
    assert summary["publisher"] == "iom" and summary["downloaded"] == 3 and summary["failed"] == 3


# -- who sees and who subscribes ---------------------------------------------------


def test_signed_in_users_see_each_file_with_its_dates_and_the_stale_ones_flagged(
    registry, options, iom_subscription, cast
):
    sync_publishers("iom", options=options)
    RegistryDataset.objects.filter(name="iom-a").update(last_checked_at=timezone.now() - timedelta(days=30))

    page = client_for(cast.giz_viewer).get("/iati/sources/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "iom-a" in html and "iom-huge" in html and "above the limit" in html
    row_a = html[html.index("iom-a") : html.index("iom-b")]
    assert "Stale" in row_a
    assert client_for(None).get("/iati/sources/").status_code == 302


def test_the_api_lists_the_sources_for_signed_in_callers_only(
    registry, options, iom_subscription, cast, session_api, anonymous_api
):
    sync_publishers("iom", options=options)

    answer = session_api(cast.giz_viewer).get("/iati/sources")

    [source] = answer.json()
    by_name = {d["name"]: d for d in source["datasets"]}
    assert source["publisher"] == "iom" and not source["stale"]
    assert by_name["iom-a"]["activities"] == 40 and by_name["iom-a"]["last_changed_at"]
    assert by_name["iom-slow"]["last_changed_at"] is None and by_name["iom-slow"]["stale"]
    assert anonymous_api.get("/iati/sources").status_code == 401


def test_an_editor_subscribes_for_their_organisation_and_a_viewer_may_not(cast):
    refused = client_for(cast.giz_viewer).post("/iati/sources/", {"publisher_id": "giz", "organisation": cast.giz.pk})
    assert refused.status_code == 403

    wrong = client_for(cast.iom_officer).post(
        "/iati/sources/", {"publisher_id": "IOM files!", "organisation": cast.iom.pk}
    )
    assert wrong.status_code == 400 and "lower-case letters" in wrong.content.decode()

    done = client_for(cast.iom_officer).post("/iati/sources/", {"publisher_id": "iom", "organisation": cast.iom.pk})
    assert done.status_code == 302
    assert PublisherSubscription.objects.get().organisation == cast.iom

    again = client_for(cast.german_ministry_editor).post(
        "/iati/sources/", {"publisher_id": "iom", "organisation": cast.german_interior.pk}
    )
    assert again.status_code == 400 and "already reads iom" in again.content.decode()


def test_only_the_subscribing_organisations_editors_end_a_subscription(cast):
    subscription = PublisherSubscription.objects.create(publisher_id="iom", organisation=cast.iom)
    address = f"/iati/sources/{subscription.pk}/end/"

    assert client_for(cast.german_ministry_editor).post(address).status_code == 403
    assert client_for(cast.iom_officer).post(address).status_code == 302
    assert not PublisherSubscription.objects.exists()


def test_an_unexpected_error_is_kept_on_the_publisher_and_releases_it_for_the_next_run(
    registry, options, iom_subscription, monkeypatch
):
    def database_gone(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("partnerhub.iati.sync.import_iati_files", database_gone)

    [report] = sync_publishers("iom", options=options)

    iom_subscription.refresh_from_db()
    assert report.failed >= 1 and "RuntimeError" in iom_subscription.last_error
    assert iom_subscription.sync_started_at is None and iom_subscription.last_checked_at is None
    assert not RegistryDataset.objects.exclude(last_changed_at=None).exists()
