"""A small OpenID Connect provider served on 127.0.0.1 in a thread, for the single sign-on tests.

It knows one person at a time (``provider.person``), signs in whoever comes to
its authorization endpoint (answering with a redirect carrying a code and the
state), exchanges the code for an RS256-signed id_token holding the nonce, and
serves its public key (JWKS) and the person's claims (userinfo). ``provider.
signing_key`` can be swapped for another key to forge a token the JWKS does
not vouch for.
"""

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "partnerhub-test"
CLIENT_SECRET = "test-client-secret"  # noqa: S105 (a test provider's secret)
KEY_ID = "test-key"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Grant:
    nonce: str
    person: dict


@dataclass
class FakeProvider:
    base_url: str = ""
    person: dict = field(default_factory=dict)
    published_key: rsa.RSAPrivateKey = field(default_factory=new_key)
    signing_key: rsa.RSAPrivateKey | None = None
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, dict] = field(default_factory=dict)

    def settings(self) -> dict[str, str]:
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.base_url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.base_url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.base_url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.base_url}/jwks",
        }

    def authorize(self, query: dict[str, str]) -> str:
        """Signs ``person`` in: the address the browser is sent back to."""
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(nonce=query.get("nonce", ""), person=dict(self.person))
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict[str, str]) -> dict | None:
        grant = self.grants.pop(form.get("code", ""), None)
        if grant is None or form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return None
        now = int(time.time())
        claims = {
            "iss": self.base_url,
            "aud": CLIENT_ID,
            "sub": grant.person["sub"],
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            "email": grant.person.get("email"),
        }
        key = self.signing_key or self.published_key
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": KEY_ID})
        access_token = secrets.token_urlsafe(16)
        self.tokens[access_token] = grant.person
        return {"id_token": id_token, "access_token": access_token, "token_type": "Bearer", "expires_in": 300}

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.published_key.public_key()))
        return {"keys": [{**jwk, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}


def _handler_for(provider: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 (the base class's signature)
            pass

        def do_GET(self):
            url = urlparse(self.path)
            query = {name: values[0] for name, values in parse_qs(url.query).items()}
            if url.path == "/authorize":
                self.send_response(302)
                self.send_header("Location", provider.authorize(query))
                self.end_headers()
            elif url.path == "/jwks":
                self._json(200, provider.jwks())
            elif url.path == "/userinfo":
                person = provider.tokens.get(self.headers.get("Authorization", "").removeprefix("Bearer "))
                self._json(200, person) if person else self._json(401, {"error": "invalid_token"})
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
            answer = provider.token(form) if self.path == "/token" else None
            self._json(200, answer) if answer else self._json(400, {"error": "invalid_grant"})

        def _json(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


class ServedProvider:
    """``with ServedProvider() as provider:`` — the provider listening on a free loopback port."""

    def __enter__(self) -> FakeProvider:
        self.provider = FakeProvider()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self.provider))
        self.provider.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.provider

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
