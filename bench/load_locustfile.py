"""The users of bench/load.py: people of several circles reading the registry, in the browser and by the API.

Each locust user is one of the people of the fixture (``LOAD_FIXTURE``, written by bench/load.py), taken
in turn, signed in with their session and holding their API token. Requests are named by endpoint, so
that locust's statistics say which pages dominate.
"""

import itertools
import json
import os
import random

from locust import HttpUser, between, task

FIXTURE = json.loads(open(os.environ["LOAD_FIXTURE"]).read())  # noqa: SIM115, PTH123 (read once at import)
PEOPLE = itertools.cycle(FIXTURE["people"])


class Person(HttpUser):
    wait_time = between(1, 2)

    def on_start(self) -> None:
        self.person = next(PEOPLE)
        self.client.cookies.set(self.person["session_cookie"], self.person["session"])
        self.api_headers = {"Authorization": f"Bearer {self.person['token']}"}
        self.rng = random.Random()

    def _engagement(self) -> int:
        return int(self.rng.choice(self.person["engagements"]))

    def _country(self) -> str:
        return str(self.rng.choice(FIXTURE["countries"]))

    @task(4)
    def engagement_list(self) -> None:
        page = self.rng.choice(["", "?page=2", "?page=40"])
        self.client.get(f"/engagements/{page}", name="list")

    @task(3)
    def engagement_list_by_country(self) -> None:
        self.client.get(f"/engagements/?country={self._country()}", name="list ?country")

    @task(4)
    def engagement_detail(self) -> None:
        self.client.get(f"/engagements/{self._engagement()}/", name="detail")

    @task(2)
    def country_profile(self) -> None:
        self.client.get(f"/countries/{self._country()}/", name="country profile")

    @task(2)
    def search(self) -> None:
        self.client.get(f"/search/?q={self.rng.choice(FIXTURE['search_words'])}", name="search")

    @task(2)
    def api_list(self) -> None:
        self.client.get("/api/engagements", headers=self.api_headers, name="api list")

    @task(2)
    def api_list_by_country(self) -> None:
        self.client.get(
            f"/api/engagements?country={self._country()}", headers=self.api_headers, name="api list ?country"
        )

    @task(3)
    def api_detail(self) -> None:
        self.client.get(f"/api/engagements/{self._engagement()}", headers=self.api_headers, name="api detail")
