"""Keeping IATI data current from the IATI Registry.

For each subscribed publisher, ``sync_publishers`` reads its list of activity
files from the registry's CKAN API (``package_search`` with
``fq=organization:<publisher>``, page by page; ``package_show`` for a dataset
listed without its file), then downloads only the files that changed:

- a file never imported, or whose hash in the registry changed, is fetched;
- otherwise a conditional GET (If-None-Match / If-Modified-Since) asks the
  publisher's server; 304 means unchanged, and a 200 whose content hash is
  that of the file last imported is unchanged too;
- a file with the same registry hash and no validators is not asked for.

A download goes to ``<name>.part`` first and resumes from there (Range, with
If-Range) after a cut connection or a timeout; it is refused beyond
``IATI_SYNC_MAX_BYTES`` and abandoned after ``IATI_SYNC_TIMEOUT_SECONDS``.
Complete files are imported by ``services.import_iati_files`` as the site
operator's import is (every file in one transaction: a bad file leaves
nothing). An activity that vanished from the publisher's files is marked
withdrawn through ``registry.services`` (never deleted), and cleared again if
the publisher states it again. What was seen of each file is recorded only
once it is imported, so a failure is tried again at the next run.
"""

import hashlib
import json
import logging
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from http.client import HTTPException
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.core.signals import many_writes
from partnerhub.iati.models import PublisherSubscription, RegistryDataset
from partnerhub.iati.services import FileResult, ImportReport, _HashSet, held_activities, import_iati_files
from partnerhub.overlaps.tasks import refresh_after_import
from partnerhub.registry import services as registry_services
from partnerhub.registry.models import Engagement

logger = logging.getLogger(__name__)

PAGE_SIZE = 1000  # CKAN's largest page
CHUNK_BYTES = 256 * 1024
USER_AGENT = "PartnershipHub-IATI-sync/1"
# CKAN dataset names; anything else is refused before it names a file on disk.
DATASET_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,199}")
# A run that stopped without clearing its mark (a killed worker) no longer blocks the next one after this long.
RUN_CLAIM_EXPIRES = timedelta(hours=12)


class SyncError(Exception):
    """Something a person can act on, in words: the registry or a file could not be read."""


# -- what the registry lists -------------------------------------------------


@dataclass(frozen=True)
class ListedDataset:
    name: str
    url: str
    registry_hash: str
    size: int | None


@dataclass(frozen=True)
class SyncOptions:
    registry_url: str
    timeout: float
    max_bytes: int
    download_dir: Path
    page_size: int = PAGE_SIZE

    @classmethod
    def from_settings(cls, **overrides: Any) -> "SyncOptions":
        values: dict[str, Any] = {
            "registry_url": settings.IATI_REGISTRY_URL,
            "timeout": float(settings.IATI_SYNC_TIMEOUT_SECONDS),
            "max_bytes": settings.IATI_SYNC_MAX_BYTES,
            "download_dir": Path(settings.IATI_SYNC_DIR),
        }
        return cls(**(values | overrides))


class RegistryClient:
    """The IATI Registry's CKAN action API, read-only."""

    def __init__(self, options: SyncOptions):
        self.options = options

    def activity_datasets(self, publisher_id: str) -> list[ListedDataset]:
        """Every activity file the publisher lists, page by page."""
        datasets, start = [], 0
        while True:
            result = self._action(
                "package_search",
                {"fq": f"organization:{publisher_id}", "rows": self.options.page_size, "start": start},
            )
            rows = result.get("results") or []
            datasets += [d for d in (self._listed(row) for row in rows) if d is not None]
            start += len(rows)
            if not rows or start >= int(result.get("count") or 0):
                return datasets

    def _listed(self, package: dict[str, Any]) -> ListedDataset | None:
        if _extra(package, "filetype") == "organisation":
            return None  # an organisation file: no activities
        if not package.get("resources"):
            package = self._action("package_show", {"id": package["name"]})
        resource = (package.get("resources") or [{}])[0]
        size = resource.get("size")
        return ListedDataset(
            name=str(package["name"]),
            url=str(resource.get("url") or ""),
            registry_hash=str(resource.get("hash") or ""),
            size=int(size) if isinstance(size, int | str) and str(size).isdigit() else None,
        )

    def _action(self, action: str, parameters: dict[str, Any]) -> dict[str, Any]:
        address = urllib.parse.urljoin(self.options.registry_url, action) + "?" + urllib.parse.urlencode(parameters)
        request = _request(address, {"User-Agent": USER_AGENT, "Accept": "application/json"})
        try:
            with _open(request, self.options.timeout) as response:
                answer = json.loads(response.read(self.options.max_bytes))
        except (OSError, HTTPException, ValueError) as error:
            raise SyncError(
                _("the IATI Registry could not be read (%(action)s): %(error)s")
                % {"action": action, "error": _describe(error)}
            ) from error
        if not isinstance(answer, dict) or not answer.get("success") or not isinstance(answer.get("result"), dict):
            raise SyncError(_("the IATI Registry answered %(action)s without a result") % {"action": action})
        return answer["result"]


def _extra(package: dict[str, Any], key: str) -> str | None:
    for extra in package.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key") == key:
            return str(extra.get("value"))
    return None


def _request(url: str, headers: dict[str, str]) -> urllib.request.Request:
    """A request to an http(s) address; urllib would also read ``file:`` and ``ftp:`` ones."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise SyncError(_("only http and https addresses are read: %(url)s") % {"url": url[:200]})
    return urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked above)


def _open(request: urllib.request.Request, timeout: float):
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (built by _request)


def _describe(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return _("HTTP %(status)s") % {"status": error.code}
    if isinstance(error, TimeoutError | socket.timeout):
        return _("no answer within the time limit")
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    return str(error) or error.__class__.__name__


# -- downloading one file ------------------------------------------------------


@dataclass
class Download:
    """A complete new file at ``path``, or ``path`` None when the file did not change."""

    path: Path | None
    bytes_read: int = 0
    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""


class Downloader:
    def __init__(self, options: SyncOptions):
        self.options = options
        options.download_dir.mkdir(parents=True, exist_ok=True)

    def fetch(self, dataset: RegistryDataset, listed: ListedDataset) -> Download:
        if not DATASET_NAME.fullmatch(listed.name):
            raise SyncError(_("the registry names this file in a way that is not a dataset name"))
        if not listed.url:
            raise SyncError(_("the registry gives no address for this file"))
        if listed.size is not None and listed.size > self.options.max_bytes:
            raise SyncError(self._too_large(listed.size))
        conditional = self._may_ask_conditionally(dataset, listed)
        if conditional is None:
            return Download(None)
        part = self.options.download_dir / f"{dataset.name}.part"
        resume = _Partial.read(part, listed.url)
        headers = {"User-Agent": USER_AGENT, **conditional}
        if resume.size:
            headers["Range"] = f"bytes={resume.size}-"
            if resume.validator:
                headers["If-Range"] = resume.validator
        try:
            return self._receive(_request(listed.url, headers), part, resume, dataset)
        except urllib.error.HTTPError as error:
            if error.code == 304:
                return Download(None)
            if error.code == 416:  # the partial file no longer fits the file served: start again
                _Partial.discard(part)
            raise SyncError(_("the file could not be downloaded: %(error)s") % {"error": _describe(error)}) from error
        except (OSError, HTTPException) as error:
            raise SyncError(
                _("the download stopped (%(error)s); it resumes from %(bytes)d bytes at the next run")
                % {"error": _describe(error), "bytes": _Partial.size_of(part)}
            ) from error

    def _may_ask_conditionally(self, dataset: RegistryDataset, listed: ListedDataset) -> dict[str, str] | None:
        """The conditional headers to send; ``{}`` to fetch in any case; None to ask nothing."""
        imported_before = dataset.last_changed_at is not None and dataset.url == listed.url
        if not imported_before:
            return {}
        if listed.registry_hash and listed.registry_hash not in (dataset.registry_hash, dataset.content_hash):
            return {}
        headers = {}
        if dataset.etag:
            headers["If-None-Match"] = dataset.etag
        if dataset.last_modified:
            headers["If-Modified-Since"] = dataset.last_modified
        return headers or None

    def _receive(self, request, part: Path, resume: "_Partial", dataset: RegistryDataset) -> Download:
        deadline = time.monotonic() + self.options.timeout
        with _open(request, self.options.timeout) as response:
            appending = response.status == 206 and resume.size > 0
            if not appending:
                resume = _Partial(0, "", resume.url)
            total = _announced_size(response, resume.size if appending else 0)
            if total is not None and total > self.options.max_bytes:
                _Partial.discard(part)
                raise SyncError(self._too_large(total))
            etag, last_modified = response.headers.get("ETag", ""), response.headers.get("Last-Modified", "")
            _Partial.remember(part, resume.url, etag or last_modified)
            received = self._copy(response, part, append=appending, deadline=deadline)
        if total is not None and _Partial.size_of(part) != total:
            raise SyncError(
                _("the connection closed before the end of the file; it resumes from %(bytes)d bytes at the next run")
                % {"bytes": _Partial.size_of(part)}
            )
        complete = part.with_suffix(".xml")
        part.replace(complete)
        _Partial.discard(part)
        content_hash = _sha1(complete)
        if dataset.content_hash and content_hash == dataset.content_hash:
            complete.unlink()
            return Download(None, received, etag, last_modified, content_hash)
        return Download(complete, received, etag, last_modified, content_hash)

    def _copy(self, response, part: Path, *, append: bool, deadline: float) -> int:
        received = 0
        with part.open("ab" if append else "wb") as stream:
            while chunk := response.read(CHUNK_BYTES):
                stream.write(chunk)
                received += len(chunk)
                if stream.tell() > self.options.max_bytes:
                    stream.close()
                    _Partial.discard(part)
                    raise SyncError(self._too_large(None))
                if time.monotonic() > deadline:
                    raise TimeoutError
        return received

    def _too_large(self, size: int | None) -> str:
        if size is None:
            return _("the file is larger than the limit of %(limit)d bytes: not downloaded") % {
                "limit": self.options.max_bytes
            }
        return _("the file is %(size)d bytes, above the limit of %(limit)d bytes: not downloaded") % {
            "size": size,
            "limit": self.options.max_bytes,
        }


def _announced_size(response, offset: int) -> int | None:
    """The whole file's size as the server announces it (Content-Range for a resumed one)."""
    content_range = response.headers.get("Content-Range", "")
    if "/" in content_range and content_range.rsplit("/", 1)[1].isdigit():
        return int(content_range.rsplit("/", 1)[1])
    length = response.headers.get("Content-Length")
    return offset + int(length) if length and length.isdigit() else None


@dataclass(frozen=True)
class _Partial:
    """A download cut short, and the validator (ETag or Last-Modified) of the file it is part of."""

    size: int
    validator: str
    url: str

    @classmethod
    def read(cls, part: Path, url: str) -> "_Partial":
        try:
            kept = json.loads(part.with_suffix(".json").read_text())
        except (OSError, ValueError):
            kept = {}
        if kept.get("url") != url or not part.exists():
            cls.discard(part)
            return cls(0, "", url)
        return cls(part.stat().st_size, str(kept.get("validator") or ""), url)

    @staticmethod
    def remember(part: Path, url: str, validator: str) -> None:
        part.with_suffix(".json").write_text(json.dumps({"url": url, "validator": validator}))

    @staticmethod
    def size_of(part: Path) -> int:
        return part.stat().st_size if part.exists() else 0

    @staticmethod
    def discard(part: Path) -> None:
        part.unlink(missing_ok=True)
        part.with_suffix(".json").unlink(missing_ok=True)


def _sha1(path: Path) -> str:
    # SHA-1 because it is what the IATI Registry publishes as a file's hash.
    digest = hashlib.sha1(usedforsecurity=False)
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# -- one publisher -------------------------------------------------------------


@dataclass
class PublisherReport:
    publisher_id: str
    datasets: int = 0
    downloaded: int = 0
    unchanged: int = 0
    failed: int = 0
    vanished_datasets: int = 0
    bytes_downloaded: int = 0
    withdrawn: int = 0
    stated_again: int = 0
    skipped_reason: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)
    imported: ImportReport = field(default_factory=ImportReport)

    def as_dict(self) -> dict[str, Any]:
        return {
            "publisher": self.publisher_id,
            "datasets": self.datasets,
            "downloaded": self.downloaded,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "vanished_datasets": self.vanished_datasets,
            "bytes_downloaded": self.bytes_downloaded,
            "activities_read": self.imported.activities_read,
            "created": self.imported.created,
            "updated": self.imported.updated,
            "withdrawn": self.withdrawn,
            "stated_again": self.stated_again,
            "skipped": self.skipped_reason,
            "errors": self.errors,
        }


def sync_publishers(publisher_id: str | None = None, *, options: SyncOptions | None = None) -> list[PublisherReport]:
    """Sync every subscribed publisher, or the one named."""
    options = options or SyncOptions.from_settings()
    subscriptions = PublisherSubscription.objects.all()
    if publisher_id is not None:
        subscriptions = subscriptions.filter(publisher_id=publisher_id)
        if not subscriptions.exists():
            raise SyncError(_("no subscription to the publisher %(id)s") % {"id": publisher_id})
    with many_writes():  # the counted-once figures are brought up to date once, at the end
        return [sync_publisher(subscription, options) for subscription in subscriptions]


def sync_publisher(subscription: PublisherSubscription, options: SyncOptions) -> PublisherReport:
    report = PublisherReport(subscription.publisher_id)
    if not _claim(subscription):
        report.skipped_reason = _("another sync of this publisher is running")
        return report
    sync = _PublisherSync(subscription, options, report)
    try:
        sync.run()
    except Exception as error:  # one publisher's failure must not stop the night for the others
        logger.exception("IATI sync of publisher %s stopped", subscription.publisher_id)
        sync.publisher_failed(
            _("the sync stopped on an unexpected error (%(error)s); the worker's log has the details")
            % {"error": error.__class__.__name__}
        )
    finally:
        PublisherSubscription.objects.filter(pk=subscription.pk).update(sync_started_at=None)
    return report


def _claim(subscription: PublisherSubscription) -> bool:
    now = timezone.now()
    free = Q(sync_started_at__isnull=True) | Q(sync_started_at__lt=now - RUN_CLAIM_EXPIRES)
    return PublisherSubscription.objects.filter(free, pk=subscription.pk).update(sync_started_at=now) == 1


class _PublisherSync:
    def __init__(self, subscription: PublisherSubscription, options: SyncOptions, report: PublisherReport):
        self.subscription, self.options, self.report = subscription, options, report
        self.downloader = Downloader(options)
        self.now = timezone.now()

    def run(self) -> None:
        try:
            listed = RegistryClient(self.options).activity_datasets(self.subscription.publisher_id)
        except SyncError as error:
            self.publisher_failed(str(error))
            return
        self.report.datasets = len(listed)
        known = {dataset.name: dataset for dataset in self.subscription.datasets.all()}
        fetched = self._download_changed(listed, known)
        results = self._import(fetched)
        vanished = self._vanished_datasets(known, {d.name for d in listed})
        self._withdraw_and_restore(results, vanished)
        self.subscription.last_checked_at = self.now
        self.subscription.save(update_fields=["last_checked_at"])

    def _download_changed(
        self, listed: list[ListedDataset], known: dict[str, RegistryDataset]
    ) -> list[tuple[RegistryDataset, ListedDataset, Download]]:
        fetched = []
        for entry in listed:
            dataset = known.get(entry.name) or self._new_dataset(entry)
            try:
                download = self.downloader.fetch(dataset, entry)
            except SyncError as error:
                self._dataset_failed(dataset, str(error))
                continue
            self.report.bytes_downloaded += download.bytes_read
            if download.path is None:
                self._unchanged(dataset, entry, download)
            else:
                fetched.append((dataset, entry, download))
        return fetched

    def _new_dataset(self, entry: ListedDataset) -> RegistryDataset:
        dataset, _created = RegistryDataset.objects.get_or_create(
            name=entry.name, defaults={"subscription": self.subscription, "url": entry.url}
        )
        if dataset.subscription_id != self.subscription.pk:  # moved to another publisher in the registry
            dataset.subscription = self.subscription
            dataset.save(update_fields=["subscription"])
        return dataset

    def _unchanged(self, dataset: RegistryDataset, entry: ListedDataset, download: Download) -> None:
        self.report.unchanged += 1
        dataset.registry_hash = entry.registry_hash or dataset.registry_hash
        dataset.etag = download.etag or dataset.etag
        dataset.last_modified = download.last_modified or dataset.last_modified
        dataset.last_checked_at, dataset.vanished_at, dataset.last_error = self.now, None, ""
        dataset.save()

    def _import(self, fetched: list[tuple[RegistryDataset, ListedDataset, Download]]) -> list[FileResult]:
        if not fetched:
            return []
        paths: dict[Path, str] = {
            download.path: dataset.name for dataset, _entry, download in fetched if download.path is not None
        }
        try:
            imported = import_iati_files(list(paths), keep_all=self.subscription.keep_all, source_names=paths)
        finally:
            for path in paths:
                path.unlink(missing_ok=True)
        self.report.imported = imported
        by_path = {result.path: result for result in imported.file_results}
        succeeded = []
        for dataset, entry, download in fetched:
            result = by_path[download.path] if download.path is not None else None
            if result is None or result.refused:
                self._dataset_failed(dataset, _refusal(result))
                continue
            self._changed(dataset, entry, download, result)
            succeeded.append(result)
        if imported.created or imported.updated:
            refresh_after_import()
        return succeeded

    def _changed(self, dataset: RegistryDataset, entry: ListedDataset, download: Download, result: FileResult) -> None:
        self.report.downloaded += 1
        dataset.url, dataset.registry_hash = entry.url, entry.registry_hash
        dataset.etag, dataset.last_modified = download.etag, download.last_modified
        dataset.content_hash = download.content_hash
        dataset.size = download.path.stat().st_size if download.path and download.path.exists() else entry.size
        dataset.activities = result.activities_read
        dataset.data_source_id = result.source_id
        dataset.last_checked_at = dataset.last_changed_at = self.now
        dataset.vanished_at, dataset.last_error = None, ""
        dataset.save()

    def _vanished_datasets(self, known: dict[str, RegistryDataset], listed: set[str]) -> list[RegistryDataset]:
        gone = [d for name, d in known.items() if name not in listed and d.vanished_at is None]
        for dataset in gone:
            dataset.vanished_at = self.now
            dataset.save(update_fields=["vanished_at"])
        self.report.vanished_datasets = len(gone)
        return gone

    def _withdraw_and_restore(self, results: list[FileResult], vanished: list[RegistryDataset]) -> None:
        """Withdraw what no file of this run states any more; restore what one states again.

        An activity moved from one file to another is stated by the second, so it
        is checked against every file imported in this run, not only its own."""
        stated = [result.identifiers for result in results if result.identifiers is not None]
        candidates = [held for result in results for held in result.vanished]
        gone_sources = [d.data_source_id for d in vanished if d.data_source_id is not None]
        candidates += list(held_activities(gone_sources))
        withdrawn = [h.engagement_id for h in candidates if not _stated_in(stated, h.identifier_hash)]
        self.report.withdrawn = registry_services.mark_withdrawn_by_publisher(withdrawn, when=self.now)
        sources = self.subscription.datasets.exclude(data_source=None).values_list("data_source_id", flat=True)
        withdrawn_before = (
            Engagement.objects.unrestricted("the IATI sync acts for the publisher, as the import does")
            .filter(source_id__in=sources, withdrawn_at__isnull=False)
            .values_list("pk", "iati_identifier")
        )
        again = [pk for pk, identifier in withdrawn_before if _stated_in(stated, hash(identifier))]
        self.report.stated_again = registry_services.mark_stated_again(again)

    def _dataset_failed(self, dataset: RegistryDataset, message: str) -> None:
        self.report.failed += 1
        self.report.errors.append({"dataset": dataset.name, "error": message})
        logger.warning("IATI sync of %s: %s", dataset.name, message)
        dataset.last_error, dataset.last_error_at = message, self.now
        dataset.save(update_fields=["last_error", "last_error_at"])

    def publisher_failed(self, message: str) -> None:
        self.report.failed += 1
        self.report.errors.append({"dataset": "", "error": message})
        logger.warning("IATI sync of publisher %s: %s", self.subscription.publisher_id, message)
        self.subscription.last_error, self.subscription.last_error_at = message, self.now
        self.subscription.save(update_fields=["last_error", "last_error_at"])


def _refusal(result: FileResult | None) -> str:
    problem = result.problems[0] if result is not None and result.problems else None
    if problem is None:
        return _("the file could not be imported")
    if problem.line:
        return _("the file was not imported (line %(line)d): %(reason)s") % {
            "line": problem.line,
            "reason": problem.reason,
        }
    return _("the file was not imported: %(reason)s") % {"reason": problem.reason}


def _stated_in(stated: list[_HashSet], identifier_hash: int) -> bool:
    return any(identifier_hash in identifiers for identifiers in stated)
