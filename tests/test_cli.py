"""The `aifkg` command as a user runs it: help, exit codes for every kind of failure, offline queries,
progress on stderr.

Exit codes (cli.py): 0 success, 1 violations (or files not canonical for `format --check`), 2 an error (a
usage error, a missing or broken file, an inconsistent graph, a failed query, a port in use, a bug), with
one line on stderr and no traceback.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from aifkg.cli import main, make_parser
from tests.conftest import MINI, mini_source_args
from tests.e2e.conftest import free_port

COMMANDS = ("serve", "build", "validate", "reason", "query", "export", "stats", "format", "settings")
# the commands that run the pipeline (load, reason, validate), directly or through the build
PIPELINE_COMMANDS = ("build", "validate", "reason", "query", "export", "stats", "serve")
FACTORY = "<https://example.org/kg/id/factory/x> a <https://example.org/kg/ontology#AIFactory> .\n"
NOTHING = "<https://example.org/kg/id/factory/alpha> a <http://www.w3.org/2002/07/owl#Nothing> .\n"


def _args(cache: Path, data: Path = MINI / "data") -> list[str]:
    return mini_source_args(cache, data)


def _command(name: str, cache: Path, data: Path) -> list[str]:
    """`name` with the options it needs to run on `data`; serve on a free port, so it never meets another."""
    extra = {
        "query": ["ASK {}"],
        "export": ["--output", str(cache.parent / "export.ttl")],
        "serve": ["--port", str(free_port())],
    }.get(name, [])
    return [name, "-q", *_args(cache, data), *extra]


def _data_with(tmp_path: Path, text: str) -> Path:
    """A copy of the mini data with one more file holding `text`."""
    data = tmp_path / "data"
    shutil.copytree(MINI / "data", data)
    (data / "extra.ttl").write_text(text, encoding="utf-8")
    return data


def _empty_folder(tmp_path: Path) -> Path:
    (tmp_path / "empty").mkdir()
    return tmp_path / "empty"


BROKEN_INPUTS: dict[str, Callable[[Path], Path]] = {
    "missing folder": lambda tmp_path: tmp_path / "no-such-folder",
    "empty folder": _empty_folder,
    "not Turtle": lambda tmp_path: _data_with(tmp_path, "not turtle at all"),
    "inconsistent graph": lambda tmp_path: _data_with(tmp_path, NOTHING),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        make_parser().parse_args([command, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert f"usage: aifkg {command}" in text and "--ontology" in text


@pytest.mark.parametrize("kind", sorted(BROKEN_INPUTS))
@pytest.mark.parametrize("command", PIPELINE_COMMANDS)
def test_a_broken_input_is_exit_2_and_one_line(
    command: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command that runs the pipeline fails the same way on the same broken input."""
    data = BROKEN_INPUTS[kind](tmp_path)
    assert main(_command(command, tmp_path / "cache", data)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    expected = {
        "missing folder": "not a folder",
        "empty folder": "no RDF files",
        "not Turtle": "extra.ttl",
        "inconsistent graph": "inconsistent graph",
    }[kind]
    assert expected in err


@pytest.mark.parametrize("command", PIPELINE_COMMANDS)
def test_violations_are_exit_1_with_the_report(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Data that breaks a shape: exit 1 and the finding, from every command that validates."""
    data = _data_with(tmp_path, FACTORY)
    code = main(_command(command, tmp_path / "cache", data))
    captured = capsys.readouterr()
    if command == "reason":  # reasoning does not validate: the closure is all it reports
        assert code == 0 and "inferred triples kept" in captured.out
        return
    assert code == 1
    report = captured.out + captured.err
    assert "https://example.org/kg/id/factory/x" in report and "a factory needs a label" in report


def test_validate_conforms_is_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "-q", *_args(tmp_path)]) == 0
    assert "conforms" in capsys.readouterr().out


def test_format_check_is_exit_1_when_not_canonical(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = tmp_path / "messy.ttl"
    messy.write_text(
        "<https://example.org/b> <https://example.org/p> 1 .\n<https://example.org/a> <https://example.org/p> 2 .\n"
    )
    assert main(["format", "--check", "-q", str(messy)]) == 1
    assert "not canonical" in capsys.readouterr().out
    assert main(["format", "-q", str(messy)]) == 0
    assert main(["format", "--check", "-q", str(messy)]) == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE is not allowed"),
        ("SELECT * { ?s ?p", "error: "),
        ("", "give a query or --file"),
    ],
    ids=["refused", "malformed", "empty"],
)
def test_query_errors_are_exit_2_and_one_line(
    query: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", *_args(tmp_path), query]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--output", "/no/such/folder/out.ttl"],
        ["reason", "--output", "/no/such/folder/inferred.ttl"],
        ["query", "--file", "/no/such/query.rq"],
    ],
    ids=["export", "reason", "query"],
)
def test_a_file_that_cannot_be_read_or_written_is_exit_2(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "-q", *_args(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "No such file or directory" in err and err.count("\n") == 1


def test_a_bad_setting_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AIFKG_QUERY_TIMEOUT", "soon")
    assert main(["stats", "-q", *_args(tmp_path)]) == 2
    assert capsys.readouterr().err == "error: AIFKG_QUERY_TIMEOUT='soon' is not a valid float\n"


def test_a_usage_error_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["build", "--no-such-option"])
    assert exited.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_a_bug_is_exit_2_and_one_line_unless_the_traceback_is_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("aifkg.cli.run_build", broken)
    assert main(["stats", "-q", *_args(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == "error: unexpected ZeroDivisionError: division by zero (--traceback shows where)\n"
    with pytest.raises(ZeroDivisionError):
        main(["--traceback", "stats", "-q", *_args(tmp_path)])


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


def test_stats_and_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "-q", *_args(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "https://example.org/kg/ontology#AIFactory" in out and "share:" in out
    assert "linked to the web of data" in out and "organisations" in out
    target = tmp_path / "all.trig"
    assert main(["export", "-q", "--format", "trig", "--output", str(target), *_args(tmp_path)]) == 0
    assert "https://example.org/kg/graph/inferred" in target.read_text()


def test_settings_lists_what_is_in_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AIFKG_QUERY_TIMEOUT", "2.5")
    assert main(["settings", *_args(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "AIFKG_QUERY_TIMEOUT=2.5" in lines and f"AIFKG_CACHE_DIR={tmp_path.resolve()}" in lines
