"""The API clients of tests/api serve the overlap API tests too."""

from tests.api.conftest import anonymous_api, session_api, token_api  # noqa: F401 (fixtures)
