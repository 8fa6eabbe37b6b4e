"""A stand-in for the IATI Registry and the publishers' servers, on 127.0.0.1.

It answers CKAN's ``package_search`` (paged) and ``package_show`` in the shape
the IATI Registry gives them, and serves each dataset's file with an ETag
and a Last-Modified, answering conditional requests (304) and ranges (206).
A dataset may misbehave on purpose: ``slow`` answers after the client gave up,
``cut`` closes the connection half-way through the file.
"""

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from lxml import etree

IATI_VERSION = "2.03"


def dataset_xml(activities: list[etree._Element]) -> bytes:
    """An activity file holding copies of ``activities``."""
    root = etree.Element("iati-activities", version=IATI_VERSION, attrib={"generated-datetime": "2026-12-01T00:00:00"})
    for activity in activities:
        root.append(_copy(activity))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _copy(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element))


@dataclass
class ServedDataset:
    name: str
    body: bytes
    mode: str = ""  # "", "slow", "cut"
    with_etag: bool = True
    announce_size: bool = True
    modified_at: float = field(default_factory=lambda: time.time() - 3600)

    @property
    def sha1(self) -> str:
        return hashlib.sha1(self.body, usedforsecurity=False).hexdigest()

    @property
    def etag(self) -> str:
        return f'"{self.sha1[:16]}"'

    @property
    def last_modified(self) -> str:
        return formatdate(self.modified_at, usegmt=True)

    def replace(self, body: bytes) -> None:
        self.body, self.modified_at = body, time.time()


@dataclass
class Served:
    """What one file request got: its status, the request's headers and the body bytes sent."""

    name: str
    status: int
    headers: dict[str, str]
    bytes_sent: int


class FakeRegistry:
    def __init__(self, publisher: str, *, slow_seconds: float = 1.5, page_size_seen: list | None = None):
        self.publisher = publisher
        self.datasets: dict[str, ServedDataset] = {}
        self.files_served: list[Served] = []
        self.api_calls: list[dict[str, list[str]]] = []
        self.slow_seconds = slow_seconds
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/3/action/"

    def add(self, name: str, body: bytes, **options) -> ServedDataset:
        self.datasets[name] = ServedDataset(name, body, **options)
        return self.datasets[name]

    def served(self, name: str) -> list[Served]:
        return [request for request in self.files_served if request.name == name]

    def forget_requests(self) -> None:
        self.files_served.clear()
        self.api_calls.clear()

    def start(self) -> "FakeRegistry":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- CKAN --

    def package(self, dataset: ServedDataset, *, with_resources: bool = True) -> dict:
        resource = {"url": f"{self.base}/files/{dataset.name}.xml", "hash": dataset.sha1, "format": "IATI-XML"}
        if dataset.announce_size:
            resource["size"] = len(dataset.body)
        package = {
            "name": dataset.name,
            "title": dataset.name.upper(),
            "organization": {"name": self.publisher, "title": self.publisher.upper()},
            "extras": [{"key": "filetype", "value": "activity"}, {"key": "iati_version", "value": IATI_VERSION}],
            "metadata_modified": "2026-12-01T00:00:00.000000",
        }
        if with_resources:
            package["resources"] = [resource]
            package["num_resources"] = 1
        else:
            package["_resources"] = [resource]  # kept aside for package_show
        return package

    def _search(self, query: dict[str, list[str]]) -> dict:
        assert query["fq"] == [f"organization:{self.publisher}"]
        rows, start = int(query["rows"][0]), int(query["start"][0])
        organisation_file = f"{self.publisher}-org"  # the publisher's organisation file, listed among the others
        names = sorted([*self.datasets, organisation_file])
        results = []
        for name in names[start : start + rows]:
            if name == organisation_file:
                results.append({"name": name, "extras": [{"key": "filetype", "value": "organisation"}]})
            else:
                # The first dataset of a page comes without its resources, as some CKAN searches give them.
                package = self.package(self.datasets[name], with_resources=bool(results))
                package.pop("_resources", None)
                results.append(package)
        return {"count": len(names), "results": results}

    def _show(self, query: dict[str, list[str]]) -> dict:
        return self.package(self.datasets[query["id"][0]])

    def _handler(self):
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002 (the base class's name)
                pass

            def do_GET(self):  # noqa: N802 (http.server's name)
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                try:
                    if url.path == "/api/3/action/package_search":
                        registry.api_calls.append(query)
                        self._json({"success": True, "result": registry._search(query)})
                    elif url.path == "/api/3/action/package_show":
                        registry.api_calls.append(query)
                        self._json({"success": True, "result": registry._show(query)})
                    elif url.path.startswith("/files/"):
                        self._file(url.path.removeprefix("/files/").removesuffix(".xml"))
                    else:
                        self.send_error(404)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _json(self, answer: dict) -> None:
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _file(self, name: str) -> None:
                dataset = registry.datasets.get(name)
                if dataset is None:
                    self.send_error(404)
                    return
                headers = dict(self.headers.items())
                if dataset.mode == "slow":
                    time.sleep(registry.slow_seconds)
                if self._unchanged(dataset):
                    registry.files_served.append(Served(name, 304, headers, 0))
                    self.send_response(304)
                    self.end_headers()
                    return
                start = self._range_start(dataset)
                body = dataset.body[start:]
                self.send_response(206 if start else 200)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(dataset.body) - 1}/{len(dataset.body)}")
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                if dataset.with_etag:
                    self.send_header("ETag", dataset.etag)
                self.send_header("Last-Modified", dataset.last_modified)
                self.end_headers()
                if dataset.mode == "cut":
                    body = body[: len(body) // 2]
                    self.close_connection = True
                registry.files_served.append(Served(name, 206 if start else 200, headers, len(body)))
                self.wfile.write(body)
                self.wfile.flush()

            def _unchanged(self, dataset: ServedDataset) -> bool:
                if dataset.with_etag and self.headers.get("If-None-Match"):
                    return self.headers["If-None-Match"] == dataset.etag
                return self.headers.get("If-Modified-Since") == dataset.last_modified

            def _range_start(self, dataset: ServedDataset) -> int:
                asked = self.headers.get("Range", "")
                if not asked.startswith("bytes=") or not asked.endswith("-"):
                    return 0
                if self.headers.get("If-Range") not in (None, dataset.etag, dataset.last_modified):
                    return 0  # the file changed since the part was fetched: send it whole
                start = int(asked.removeprefix("bytes=").removesuffix("-"))
                return start if start < len(dataset.body) else 0

        return Handler
