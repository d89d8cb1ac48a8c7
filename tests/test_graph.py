"""Loading sources: every RDF file, in a stable order, with errors that name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifkg.graph import SourceError, fingerprint, load_sources, parse_files, rdf_files
from tests.conftest import MINI


def test_rdf_files_sorted_and_filtered(tmp_path: Path) -> None:
    (tmp_path / "b.ttl").write_text("")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.ttl").write_text("")
    (tmp_path / "notes.md").write_text("# not RDF")
    assert [p.relative_to(tmp_path).as_posix() for p in rdf_files(tmp_path)] == ["b.ttl", "sub/a.ttl"]


def test_syntax_error_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text("<a> <b> .\n")
    with pytest.raises(SourceError, match=r"broken\.ttl"):
        parse_files([bad])


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    for name in ("o", "d", "s"):
        (tmp_path / name).mkdir()
    with pytest.raises(SourceError, match="no RDF files"):
        load_sources(tmp_path / "o", tmp_path / "d", tmp_path / "s")


def test_load_sources_reads_the_three_folders() -> None:
    sources = load_sources(MINI / "ontology", MINI / "data", MINI / "shapes")
    assert len(sources.ontology) > 10 and len(sources.data) > 10 and len(sources.shapes) > 5


def test_fingerprint_changes_with_content(tmp_path: Path) -> None:
    (tmp_path / "x.ttl").write_text("<a:b> <a:c> <a:d> .\n")
    before = fingerprint([tmp_path])
    assert fingerprint([tmp_path]) == before
    (tmp_path / "x.ttl").write_text("<a:b> <a:c> <a:e> .\n")
    assert fingerprint([tmp_path]) != before
