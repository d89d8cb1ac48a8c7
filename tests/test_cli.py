"""The `aifkg` command as a user runs it: help, exit codes, offline queries, progress on stderr."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aifkg.cli import main, make_parser
from tests.conftest import MINI, mini_source_args

COMMANDS = ("serve", "build", "validate", "reason", "query", "export", "stats", "format")


def _args(cache: Path, data: Path = MINI / "data") -> list[str]:
    return mini_source_args(cache, data)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        make_parser().parse_args([command, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert f"usage: aifkg {command}" in text and "--ontology" in text


def test_query_offline_as_csv(tmp_path: Path) -> None:
    """The installed console script answers a query from the local files, with no server running."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "aifkg.cli",
            "query",
            "--format",
            "csv",
            *_args(tmp_path),
            "SELECT ?f WHERE { ?f a <https://example.org/kg/ontology#AIFactory> } ORDER BY ?f",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [["f"], ["https://example.org/kg/id/factory/alpha"], ["https://example.org/kg/id/factory/beta"]]


def test_build_shows_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", *_args(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "reasoning with owlrl" in captured.err and "validating" in captured.err
    assert captured.out.startswith("build ")


def test_validate_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "-q", *_args(tmp_path)]) == 0
    assert "conforms" in capsys.readouterr().out
    broken = tmp_path / "data"
    shutil.copytree(MINI / "data", broken)
    (broken / "extra.ttl").write_text(
        "<https://example.org/kg/id/factory/x> a <https://example.org/kg/ontology#AIFactory> .\n"
    )
    assert main(["validate", "-q", *_args(tmp_path, broken)]) == 1
    report = capsys.readouterr().out
    assert "https://example.org/kg/id/factory/x" in report and "a factory needs a label" in report
    (broken / "extra.ttl").write_text("not turtle at all")
    assert main(["validate", "-q", *_args(tmp_path, broken)]) == 2


def test_query_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", *_args(tmp_path), "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"]) == 1
    assert capsys.readouterr().err.strip().startswith("error: SERVICE is not allowed")


def test_stats_and_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "-q", *_args(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "https://example.org/kg/ontology#AIFactory" in out and "share:" in out
    assert "linked to the web of data" in out and "organisations" in out
    target = tmp_path / "all.trig"
    assert main(["export", "-q", "--format", "trig", "--output", str(target), *_args(tmp_path)]) == 0
    assert "https://example.org/kg/graph/inferred" in target.read_text()
