"""The Vietnamese catalogs are complete: every string in the code is in its app's
catalog, and every msgid there is translated and not fuzzy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2]
APPS = sorted(p.parent for p in PACKAGE.glob("*/locale"))
DOMAINS = ("django.po", "djangojs.po")


def _catalogs(app: Path) -> list[Path]:
    return [
        app / "locale" / "vi" / "LC_MESSAGES" / d
        for d in DOMAINS
        if (app / "locale" / "vi" / "LC_MESSAGES" / d).exists()
    ]


def test_every_app_with_strings_has_a_catalog():
    assert {a.name for a in APPS} >= {"core", "geo", "orgs", "programs", "activities", "practices"}


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_catalog_is_translated(app):
    for path in _catalogs(app):
        catalog = polib.pofile(str(path))
        untranslated = [e.msgid for e in catalog.untranslated_entries()]
        fuzzy = [e.msgid for e in catalog.fuzzy_entries()]
        assert untranslated == [], f"{path}: untranslated {untranslated}"
        assert fuzzy == [], f"{path}: fuzzy {fuzzy}"
        for entry in catalog.translated_entries():
            # Vietnamese has one plural form: msgstr[0] serves both singular and plural.
            translations = (
                list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            )
            sources = (entry.msgid, entry.msgid_plural) if entry.msgid_plural else (entry.msgid,)
            for text in translations:
                for source in sources:
                    for placeholder in _placeholders(source):
                        assert placeholder in text, f"{path}: {entry.msgid!r} loses {placeholder}"


def _placeholders(text: str) -> set[str]:
    import re

    return set(re.findall(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]", text))


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_catalog_is_up_to_date(app, tmp_path):
    """makemessages on a copy of the app finds no msgid missing from the catalog."""
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    # The installed console script, not `python -m`: that would put the copy's
    # selectors.py ahead of the standard library's.
    manage = [str(Path(sys.executable).parent / "phoihop")]
    subprocess.run(
        [*manage, "makemessages", "-l", "vi", "--no-location", "-v0"], cwd=copy, check=True
    )
    if any(copy.rglob("*.js")):
        subprocess.run(
            [*manage, "makemessages", "-d", "djangojs", "-l", "vi", "--no-location", "-v0"],
            cwd=copy,
            check=True,
        )
    for domain in DOMAINS:
        fresh_path = copy / "locale" / "vi" / "LC_MESSAGES" / domain
        if not fresh_path.exists():
            continue
        ours_path = app / "locale" / "vi" / "LC_MESSAGES" / domain
        fresh = {e.msgid for e in polib.pofile(str(fresh_path)) if not e.obsolete}
        ours = {e.msgid for e in polib.pofile(str(ours_path))} if ours_path.exists() else set()
        missing = sorted(fresh - ours)
        assert missing == [], f"{ours_path}: run `make makemessages`; missing {missing}"
