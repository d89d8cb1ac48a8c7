"""Settings: defaults, then AIFKG_* (and HOST/PORT), then explicit overrides."""

from __future__ import annotations

from pathlib import Path

from aifkg.config import PROJECT_ROOT, settings_from_env


def test_defaults_point_at_this_project() -> None:
    settings = settings_from_env({})
    assert settings.ontology_dir == PROJECT_ROOT / "ontology"
    assert settings.host == "127.0.0.1" and settings.port == 8000
    assert settings.graph_iri("inferred") == "https://w3id.org/aifactories/graph/inferred"
    assert settings.id_base == "https://w3id.org/aifactories/id/"


def test_environment_then_overrides(tmp_path: Path) -> None:
    env = {
        "AIFKG_QUERY_TIMEOUT": "2.5",
        "PORT": "8123",
        "HOST": "0.0.0.0",
        "AIFKG_DATA_DIR": str(tmp_path),
        "AIFKG_BASE_IRI": "https://example.org/x/",
    }
    settings = settings_from_env(env)
    assert settings.query_timeout == 2.5 and settings.port == 8123 and settings.host == "0.0.0.0"
    assert settings.data_dir == tmp_path.resolve()
    assert settings.ontology_iri == "https://example.org/x/ontology"
    assert settings_from_env(env, port=9000, query_timeout=None).port == 9000
    assert settings_from_env({"AIFKG_PORT": "7000", "PORT": "8123"}).port == 7000
