"""The interface exists in French too: no string may be left untranslated.

Interface strings are re-extracted from a copy of the package with Django's
``makemessages`` (which needs GNU gettext), merged into a copy of the French
catalogue, and every entry must then carry a French translation. The compiled
catalogue must match the source one.
"""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

import partnerhub

PACKAGE = Path(partnerhub.__file__).parent
CATALOGUE = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def _gettext_available() -> bool:
    return all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq"))


@pytest.fixture
def extracted_catalogue(tmp_path, settings):
    if not _gettext_available():
        if os.environ.get("PARTNERHUB_REQUIRE_GETTEXT"):
            pytest.fail("GNU gettext (xgettext, msgmerge) is required here: apt-get install gettext")
        pytest.skip("GNU gettext is not installed (apt-get install gettext); .ci/run installs it")
    copy = tmp_path / "partnerhub"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "migrations", "static"))
    settings.LOCALE_PATHS = [copy / "locale"]
    cwd = Path.cwd()
    os.chdir(copy)
    try:
        call_command("makemessages", locale=["fr"], no_location=True, verbosity=0)
    finally:
        os.chdir(cwd)
    return polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))


def test_every_interface_string_has_a_french_translation(extracted_catalogue):
    untranslated = [
        entry.msgid
        for entry in extracted_catalogue
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    assert not untranslated, (
        f"{len(untranslated)} interface strings lack a French translation "
        f"(run `make messages`, translate, commit): {untranslated[:20]}"
    )


def test_compiled_french_catalogue_matches_its_source():
    source = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(CATALOGUE)) if e.translated()}
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(CATALOGUE.with_suffix(".mo"))) if e.msgid}
    assert compiled == source, "django.mo is stale: run `make messages`"


def test_language_switch_serves_french_pages(client, db):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"
    assert 'lang="fr"' in response.content.decode()
