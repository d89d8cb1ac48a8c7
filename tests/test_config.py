"""Settings: defaults, then AIFKG_* (and HOST/PORT), then explicit overrides; the generated docs table; an
installed copy (no checkout around it) that needs its sources named."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aifkg.config import CHECKOUT, PROJECT_ROOT, checkout_root, settings_from_env, settings_markdown
from aifkg.errors import SettingsError
from tests.conftest import MINI, MINI_BASE

SETTINGS_DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_defaults_point_at_this_project() -> None:
    settings = settings_from_env({})
    assert PROJECT_ROOT is not None and settings.ontology_dir == PROJECT_ROOT / "ontology"
    assert settings.queries_dir == PROJECT_ROOT / "queries" and settings.cache_dir == PROJECT_ROOT / ".cache"
    assert settings.host == "127.0.0.1" and settings.port == 8000
    assert settings.graph_iri("inferred") == "https://w3id.org/aifactories/graph/inferred"
    assert settings.id_base == "https://w3id.org/aifactories/id/"
    assert settings.vocabulary == "https://w3id.org/aifactories/ontology#"


def test_environment_then_overrides(tmp_path: Path) -> None:
    env = {
        "AIFKG_QUERY_TIMEOUT": "2.5",
        "PORT": "8123",
        "HOST": "0.0.0.0",
        "AIFKG_DATA_DIR": str(tmp_path),
        "AIFKG_BASE_IRI": "https://example.org/x/",
        "AIFKG_PUBLIC_URL": "",
    }
    settings = settings_from_env(env)
    assert settings.query_timeout == 2.5 and settings.port == 8123 and settings.host == "0.0.0.0"
    assert settings.data_dir == tmp_path.resolve() and settings.public_url == ""
    assert settings.ontology_iri == "https://example.org/x/ontology"
    assert settings_from_env(env, port=9000, query_timeout=None).port == 9000
    assert settings_from_env({"AIFKG_PORT": "7000", "PORT": "8123"}).port == 7000
    assert settings_from_env({"AIFKG_QUERIES_DIR": str(tmp_path)}).queries_dir == tmp_path.resolve()


def test_a_value_that_cannot_be_read_names_the_variable() -> None:
    with pytest.raises(SettingsError, match=r"^AIFKG_PORT='eighty' is not a valid int$"):
        settings_from_env({"AIFKG_PORT": "eighty"})


def test_the_settings_doc_is_the_generated_table() -> None:
    """docs/settings.md lists every field with its default and meaning: regenerate it when a setting changes
    (`.venv/bin/aifkg settings --markdown > docs/settings.md`)."""
    assert SETTINGS_DOC.read_text(encoding="utf-8") == settings_markdown()


def test_every_setting_is_in_the_doc_with_a_meaning() -> None:
    text = settings_markdown()
    names = [name for name in settings_from_env({}).__dataclass_fields__]
    assert names
    for name in names:
        row = next(line for line in text.splitlines() if line.startswith(f"| `AIFKG_{name.upper()}` |"))
        assert row.split("|")[3].strip(), f"AIFKG_{name.upper()} has no meaning in the docs"


def test_a_checkout_is_told_from_an_installed_copy(tmp_path: Path) -> None:
    assert CHECKOUT is not None and checkout_root(CHECKOUT / "src" / "aifkg" / "config.py") == CHECKOUT
    installed = tmp_path / "lib" / "python3.11" / "site-packages" / "aifkg" / "config.py"
    installed.parent.mkdir(parents=True)
    installed.touch()
    assert checkout_root(installed) is None


def _installed_copy(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `aifkg` from a copy of the package outside the checkout, as `pip install .` lays it out."""
    assert CHECKOUT is not None
    site = tmp_path / "site-packages"
    if not site.exists():
        shutil.copytree(CHECKOUT / "src" / "aifkg", site / "aifkg", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(site), "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}
    env = {k: v for k, v in env.items() if not k.startswith("AIFKG_")}
    return subprocess.run(
        [sys.executable, "-m", "aifkg.cli", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_an_installed_copy_asks_for_its_sources_in_one_line(tmp_path: Path) -> None:
    result = _installed_copy(tmp_path, "build", "-q")
    assert result.returncode == 2
    assert result.stderr == (
        "error: no ontology folder given: pass --ontology DIR (or set AIFKG_ONTOLOGY_DIR); "
        "the default exists only in a checkout of aifkg\n"
    )


def test_an_installed_copy_builds_from_explicit_sources(tmp_path: Path) -> None:
    sources = tmp_path / "project"
    shutil.copytree(MINI, sources)
    args = ["--ontology", str(sources / "ontology"), "--data", str(sources / "data"), "--shapes"]
    result = _installed_copy(tmp_path, "build", "-q", *args, str(sources / "shapes"), "--base-iri", MINI_BASE)
    assert result.returncode == 0, result.stderr
    assert f"in {tmp_path / 'xdg-cache' / 'aifkg' / 'builds'}" in result.stdout
    shown = _installed_copy(tmp_path, "settings", *args, str(sources / "shapes")).stdout.splitlines()
    assert f"AIFKG_QUERIES_DIR={sources / 'queries'}" in shown
