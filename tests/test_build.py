"""Builds: cached by input hash, written atomically, refused on a shape violation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aifkg.build import MANIFEST, BuildError, ValidationFailed, build_key, cached_build, run_build
from tests.conftest import MINI, mini_settings


def _copy_mini(tmp_path: Path) -> Path:
    target = tmp_path / "src"
    shutil.copytree(MINI, target)
    return target


def test_build_writes_dataset_dumps_and_manifest(tmp_path: Path) -> None:
    settings = mini_settings(tmp_path / "cache")
    build = run_build(settings)
    assert build.dataset_path.stat().st_size > 0
    for name in ("aifkg.ttl", "aifkg.nt", "aifkg.trig", "aifkg.nq", "aifkg.jsonld"):
        assert build.dump_path(name).stat().st_size > 0
    manifest = json.loads((build.folder / MANIFEST).read_text())
    assert manifest["key"] == build.key == build_key(settings)
    assert build.stats.triples["inferred"] > 0
    graphs = {line.rsplit(" ", 2)[-2] for line in build.dataset_path.read_text().splitlines() if line}
    assert graphs == {f"<{iri}>" for iri in settings.graph_iris.values()}


def test_unchanged_inputs_reuse_the_build(tmp_path: Path) -> None:
    settings = mini_settings(tmp_path / "cache")
    first = run_build(settings)
    messages: list[str] = []
    second = run_build(settings, progress=messages.append)
    assert second.folder == first.folder and second.built_at == first.built_at
    assert messages and messages[0].startswith("cached build")
    assert not any("reasoning" in m for m in messages)


def test_changed_input_makes_a_new_build(tmp_path: Path) -> None:
    source = _copy_mini(tmp_path)
    settings = mini_settings(tmp_path / "cache", data_dir=source / "data")
    first = run_build(settings)
    with (source / "data" / "mini-data.ttl").open("a") as handle:
        handle.write("\n<https://example.org/kg/id/country/cc> a <https://schema.org/Country> .\n")
    second = run_build(settings)
    assert second.key != first.key
    assert second.stats.total_triples > first.stats.total_triples


def test_corrupt_cache_is_rebuilt_not_served(tmp_path: Path) -> None:
    settings = mini_settings(tmp_path / "cache")
    first = run_build(settings)
    with first.dataset_path.open("ab") as handle:
        handle.write(b"<half")  # a torn write: size no longer matches the manifest
    assert cached_build(settings) is None
    again = run_build(settings)
    assert again.dataset_path.read_bytes().endswith(b".\n")
    (again.folder / MANIFEST).write_text("{not json")
    assert cached_build(settings) is None


def test_violation_refuses_the_build_with_a_readable_report(tmp_path: Path) -> None:
    source = _copy_mini(tmp_path)
    with (source / "data" / "mini-data.ttl").open("a") as handle:
        handle.write("\n<https://example.org/kg/id/factory/gamma> a <https://example.org/kg/ontology#AIFactory> .\n")
    settings = mini_settings(tmp_path / "cache", data_dir=source / "data")
    with pytest.raises(ValidationFailed) as caught:
        run_build(settings)
    text = str(caught.value)
    assert "https://example.org/kg/id/factory/gamma" in text
    assert "a factory needs a label" in text
    assert "FactoryShape" not in text or "shapes#" in text
    assert not list((tmp_path / "cache" / "builds").glob("*/" + MANIFEST))


def test_syntax_error_is_a_build_error(tmp_path: Path) -> None:
    source = _copy_mini(tmp_path)
    (source / "data" / "broken.ttl").write_text("this is not turtle")
    with pytest.raises(BuildError, match=r"broken\.ttl"):
        run_build(mini_settings(tmp_path / "cache", data_dir=source / "data"))
