"""A real OpenID Connect provider for the tests: the npm package ``oidc-provider``, pinned
in tests/oidc/package.json and package-lock.json, installed with the machine's npm from
the npm registry into a git-ignored folder named after the lock file (so installed once
per version), and started for the test session (tests/oidc/provider.mjs).

``Browser`` plays the person at the provider's pages (its development sign-in form);
the app under test is the Flask test client, which talks to the provider for real
(discovery, keys, the token endpoint).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from tests.processes import Started, free_port

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tests" / "oidc"
CLIENT_ID = "homecare"
CLIENT_SECRET = "homecare-test-client-secret-0123456789"
#: Where the app under test (the Flask test client) says it lives.
APP = "http://localhost"
NAMES = {"kari.sso": "Kari Innlogget", "namesake": "Test staff.a1"}


def _installed() -> Path:
    """The provider's packages, installed with ``npm ci`` once per lock file."""
    lock = (SOURCES / "package-lock.json").read_bytes()
    version = json.loads(lock)["packages"]["node_modules/oidc-provider"]["version"]
    folder = ROOT / ".cache" / f"oidc-provider-{version}-{hashlib.sha256(lock).hexdigest()[:12]}"
    if not (folder / "node_modules" / "oidc-provider" / "package.json").exists():
        building = folder.with_name(folder.name + ".installing")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(SOURCES / name, building / name)
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],  # noqa: S607 - the machine's npm
                              cwd=building, capture_output=True, text=True, timeout=600,
                              check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        shutil.rmtree(folder, ignore_errors=True)
        building.rename(folder)
    # The script sits beside its packages (node finds them from the script's folder).
    shutil.copy2(SOURCES / "provider.mjs", folder / "provider.mjs")
    return folder


@dataclass
class Provider:
    """The running provider and how to reach it."""

    issuer: str

    def tamper_next_id_token(self, how: str) -> None:
        """Make the next ID token wrong in one way (see provider.mjs)."""
        request = urllib.request.Request(  # noqa: S310 - our own provider
            f"{self.issuer}/test/tamper", data=json.dumps({"id_token": how}).encode(),
            method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            assert answer.status == 204

    def settings(self, **more) -> dict:
        """The app's configuration for this provider."""
        return {"HOMECARE_OIDC_ISSUER": self.issuer, "HOMECARE_OIDC_CLIENT_ID": CLIENT_ID,
                "HOMECARE_OIDC_CLIENT_SECRET": CLIENT_SECRET,
                "HOMECARE_OIDC_SCOPES": "openid profile email",
                "HOMECARE_OIDC_NAME": "Testkommune ID", **more}


@pytest.fixture(scope="session")
def openid_provider(tmp_path_factory) -> Provider:
    """oidc-provider on a free port for the whole session."""
    folder = _installed()
    port = free_port()
    clients = [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{APP}/login/sso/callback"],
                "post_logout_redirect_uris": [f"{APP}/login"]}]
    provider = Started(["node", str(folder / "provider.mjs")],
                       tmp_path_factory.mktemp("oidc") / "provider.log", cwd=folder,
                       env={"PATH": "/usr/local/bin:/usr/bin:/bin", "OIDC_PORT": str(port),
                            "OIDC_CLIENTS": json.dumps(clients), "OIDC_NAMES": json.dumps(NAMES)})
    issuer = f"http://127.0.0.1:{port}"
    try:
        provider.wait_until_answering(f"{issuer}/.well-known/openid-configuration")
        yield Provider(issuer)
    finally:
        provider.stop()


_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


class Browser:
    """A person's browser at the provider: its own cookies (the provider's session)."""

    def __init__(self):
        self.session = requests.Session()

    def _follow(self, url: str) -> requests.Response | str:
        """Follow the provider's redirects; stop at an address of the app (returned as
        its path and query) or at a page of the provider's."""
        while True:
            if url.startswith(APP):
                parts = urlsplit(url)
                return f"{parts.path}?{parts.query}" if parts.query else parts.path
            answer = self.session.get(url, allow_redirects=False, timeout=10)
            if answer.is_redirect:
                url = urljoin(url, answer.headers["Location"])
                continue
            return answer

    def _submit(self, page: requests.Response, fields: dict) -> requests.Response | str:
        action, body = _FORM.search(page.text).groups()
        hidden = {name: unescape(value) for name, value in _HIDDEN.findall(body)}
        answer = self.session.post(urljoin(page.url, unescape(action)),
                                   data={**hidden, **fields}, allow_redirects=False,
                                   timeout=10)
        if answer.is_redirect:
            return self._follow(urljoin(page.url, answer.headers["Location"]))
        return answer

    def authorize(self, authorization_url: str, login: str | None) -> str:
        """Go where the app sent the browser; sign in as ``login`` if the provider asks
        (it does not within its own session). The app's callback address it comes back
        with (path and query)."""
        reached = self._follow(authorization_url)
        if isinstance(reached, str):
            return reached
        assert 'name="login"' in reached.text, reached.text[-3000:]
        assert login is not None, "the provider asked for a sign-in"
        reached = self._submit(reached, {"prompt": "login", "login": login,
                                         "password": "whatever-the-provider-accepts"})
        assert isinstance(reached, str), reached.text[:2000]
        return reached

    def asks_for_sign_in(self, authorization_url: str) -> bool:
        """Whether the provider shows its sign-in form for this request (no session)."""
        reached = self._follow(authorization_url)
        return not isinstance(reached, str) and 'name="login"' in reached.text

    def sign_out_at_provider(self, end_session_url: str) -> str:
        """Follow the provider's sign-out page and confirm; where it sends the browser."""
        page = self._follow(end_session_url)
        assert not isinstance(page, str), "the provider asked nothing"
        reached = self._submit(page, {"logout": "yes"})
        assert isinstance(reached, str), reached.text[:2000]
        return reached
