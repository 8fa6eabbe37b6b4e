"""What every test package shares: the people (``personas``), their browsers and API
clients (``clients``, ``browser``) and engagements built through the services
(``builders``). Fixtures that hand these out live in ``tests/conftest.py``."""
