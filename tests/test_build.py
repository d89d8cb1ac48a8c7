"""Builds: cached by input hash, written atomically, refused on a shape violation, never served damaged."""

from __future__ import annotations

import errno
import fcntl
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from aifkg import build as build_module
from aifkg.build import (
    BUILD_FILES,
    DATASET_FILE,
    DUMP_FORMATS,
    LOCK_FILE,
    MANIFEST,
    WARNINGS_FILE,
    Build,
    BuildError,
    ValidationFailed,
    build_key,
    current_build,
    run_build,
)
from aifkg.cli import main
from aifkg.config import Settings
from tests.conftest import MINI, mini_settings, mini_source_args


def cached_build(settings: Settings) -> Build | None:
    """The finished build for the current inputs, if one is on disk and intact (what run_build would reuse)."""
    key = build_key(settings)
    return build_module._read_manifest(settings.cache_dir / "builds" / key, key)


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


def _build_in_child(settings: Settings, name: str, messages: Any, inherited_lock: int) -> None:
    os.close(inherited_lock)  # a forked copy of the parent's locked file would keep the lock held
    build = run_build(settings, progress=lambda message: messages.put((name, message)))
    messages.put((name, f"done {build.key} {build.built_at}"))


def test_builders_of_one_cache_take_turns_and_the_second_reuses_the_first(tmp_path: Path) -> None:
    """Two builders started while a third holds the cache's lock both wait; once it is free, one builds and
    the other finds that build instead of writing the same folder at the same time."""
    settings = mini_settings(tmp_path / "cache")
    settings.cache_dir.mkdir(parents=True)
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    with (settings.cache_dir / LOCK_FILE).open("a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        children = [
            context.Process(target=_build_in_child, args=(settings, n, messages, held.fileno())) for n in ("a", "b")
        ]
        for child in children:
            child.start()
        waiting = {messages.get(timeout=60) for _ in children}
        assert {name for name, _ in waiting} == {"a", "b"}
        assert all(message.startswith("another build is writing to") for _, message in waiting)
    # the lock is released when the file closes
    seen: list[tuple[str, str]] = []
    while len([m for _, m in seen if m.startswith("done")]) < 2:
        seen.append(messages.get(timeout=120))
    for child in children:
        child.join(timeout=30)
        assert child.exitcode == 0
    built = [name for name, message in seen if message.startswith("built ")]
    assert len(built) == 1, seen
    assert len({message for _, message in seen if message.startswith("done")}) == 1  # one key, one built_at


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


# --- a damaged cache is rebuilt, never served ---------------------------------------------------------------


@pytest.fixture(scope="module")
def built_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache holding the mini graph's build (and `current` naming it), built once and copied per test."""
    cache = tmp_path_factory.mktemp("built") / "cache"
    run_build(mini_settings(cache))
    return cache


def _copy_cache(built_cache: Path, tmp_path: Path) -> Settings:
    shutil.copytree(built_cache, tmp_path / "cache")
    return mini_settings(tmp_path / "cache")


def _same_size_garbage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = (b"\x00\xffgarbage" * 8)[:64]
    path.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], object]] = {
    "truncated": lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    "same-size garbage": _same_size_garbage,
    "deleted": lambda path: path.unlink(),
}
# a truncated or deleted dataset was caught before: test_corrupt_cache_is_rebuilt_not_served
DAMAGED_FILES = [
    (name, how) for name in BUILD_FILES for how in DAMAGE if name != DATASET_FILE or how == "same-size garbage"
]
# make unit runs one file per kind of damage; make test runs every file with every kind
EVERYDAY_DAMAGE = {(DATASET_FILE, "same-size garbage"), (WARNINGS_FILE, "truncated"), ("dumps/aifkg.jsonld", "deleted")}
DAMAGE_CASES = [
    pytest.param(name, how, id=f"{name} {how}", marks=() if (name, how) in EVERYDAY_DAMAGE else pytest.mark.slow)
    for name, how in DAMAGED_FILES
]


def _statements(path: Path) -> int:
    rdf_format = DUMP_FORMATS.get(path.name, ox.RdfFormat.N_QUADS)
    return sum(1 for _ in ox.parse(path=str(path), format=rdf_format))


@pytest.mark.parametrize(("name", "how"), DAMAGE_CASES)
def test_damaged_file_is_rebuilt_not_served(built_cache: Path, tmp_path: Path, name: str, how: str) -> None:
    assert len(DAMAGED_FILES) == 19
    settings = _copy_cache(built_cache, tmp_path)
    intact = cached_build(settings)
    assert intact is not None and current_build(settings) == intact
    DAMAGE[how](intact.folder / name)
    assert cached_build(settings) is None
    assert current_build(settings) is None
    messages: list[str] = []
    again = run_build(settings, progress=messages.append)
    assert messages[0].startswith(f"cached build {again.key} is damaged ({Path(name).name}"), messages[0]
    assert any(m.startswith("reasoning") for m in messages), messages
    if name == WARNINGS_FILE:
        assert len(json.loads((again.folder / name).read_text(encoding="utf-8"))) == again.warnings
    else:
        assert _statements(again.folder / name) == again.stats.total_triples
    assert cached_build(settings) == again == current_build(settings)


MANIFEST_DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "not JSON": lambda _: b"\x00{not json",
    "not UTF-8": lambda _: b"\xff\xfe{",
    "a list": lambda _: b"[]",
    "null": lambda _: b"null",
    "another key": lambda raw: json.dumps({**json.loads(raw), "key": "0" * 24}).encode(),
    "no stats": lambda raw: json.dumps({k: v for k, v in json.loads(raw).items() if k != "stats"}).encode(),
    "lists no files": lambda raw: json.dumps({**json.loads(raw), "files": {}}).encode(),
    "a dump left out": lambda raw: json.dumps(
        {**json.loads(raw), "files": {k: v for k, v in json.loads(raw)["files"].items() if k != "dumps/aifkg.ttl"}}
    ).encode(),
    "sizes without digests": lambda raw: json.dumps(
        {**json.loads(raw), "files": {k: {"bytes": v["bytes"]} for k, v in json.loads(raw)["files"].items()}}
    ).encode(),
}


@pytest.mark.parametrize("damage", list(MANIFEST_DAMAGE))
def test_garbled_manifest_is_rebuilt_not_served(built_cache: Path, tmp_path: Path, damage: str) -> None:
    settings = _copy_cache(built_cache, tmp_path)
    intact = cached_build(settings)
    assert intact is not None
    manifest = intact.folder / MANIFEST
    manifest.write_bytes(MANIFEST_DAMAGE[damage](manifest.read_bytes()))
    assert cached_build(settings) is None
    assert current_build(settings) is None
    messages: list[str] = []
    again = run_build(settings, progress=messages.append)
    assert messages[0].startswith(f"cached build {again.key} is damaged ({MANIFEST}"), messages[0]
    assert json.loads(manifest.read_text())["key"] == again.key
    assert cached_build(settings) == again == current_build(settings)


POINTERS = {
    "a path out": b"../../etc\n",
    "a path in": b"../builds/KEY\n",
    "not UTF-8": b"\xff\xfeKEY",
    "empty": b"",
    "a folder that is no build": b"0123456789abcdef01234567",
}


@pytest.mark.parametrize("pointer", list(POINTERS))
def test_bad_current_pointer_is_ignored_and_repaired(built_cache: Path, tmp_path: Path, pointer: str) -> None:
    settings = _copy_cache(built_cache, tmp_path)
    key = build_key(settings)
    (settings.cache_dir / "builds" / "0123456789abcdef01234567").mkdir()
    (settings.cache_dir / "current").write_bytes(POINTERS[pointer].replace(b"KEY", key.encode()))
    assert current_build(settings) is None
    build = run_build(settings)
    assert (settings.cache_dir / "current").read_text() == key
    assert current_build(settings) == build


def test_current_pointer_to_a_link_out_of_the_builds_folder_is_ignored(built_cache: Path, tmp_path: Path) -> None:
    settings = _copy_cache(built_cache, tmp_path)
    intact = cached_build(settings)
    assert intact is not None
    other = "f" * 24
    outside = tmp_path / "elsewhere" / other
    shutil.copytree(intact.folder, outside)
    manifest = json.loads((outside / MANIFEST).read_text())
    (outside / MANIFEST).write_text(json.dumps({**manifest, "key": other}))
    link = settings.cache_dir / "builds" / other
    link.symlink_to(outside, target_is_directory=True)
    (settings.cache_dir / "current").write_text(other)
    assert current_build(settings) is None
    link.unlink()
    shutil.copytree(outside, link)  # the same intact build, inside the builds folder: followed
    followed = current_build(settings)
    assert followed is not None and followed.folder == link


def test_verified_files_are_hashed_again_only_when_they_change(
    built_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _copy_cache(built_cache, tmp_path)
    hashed: list[str] = []
    digest = build_module.file_digest

    def counting_digest(path: Path) -> str:
        hashed.append(path.name)
        return digest(path)

    monkeypatch.setattr(build_module, "file_digest", counting_digest)
    monkeypatch.setattr(build_module, "_intact_files", {})
    assert cached_build(settings) is not None and cached_build(settings) is not None
    assert len(hashed) == 2 * len(BUILD_FILES)  # files changed less than RACY_NS ago are hashed every time
    monkeypatch.setattr(build_module, "RACY_NS", -1)  # as if they had been written long ago
    hashed.clear()
    intact = cached_build(settings)
    assert intact is not None and cached_build(settings) == intact
    assert len(hashed) == len(BUILD_FILES)  # remembered (and a forked web worker inherits what it remembers)
    time.sleep(0.05)  # past a tick of the file system's clock, as any later write is
    _same_size_garbage(intact.dump_path("aifkg.trig"))
    hashed.clear()
    assert cached_build(settings) is None
    assert hashed == ["aifkg.trig"]


# --- disk full while writing a build ------------------------------------------------------------------------


def _disk_full(path: Path) -> OSError:
    """Half of the file written, then the error a full disk gives."""
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def _new_inputs(tmp_path: Path) -> tuple[Settings, str]:
    """Settings whose last good build is current; the data then changed, so the next build is a new one."""
    source = _copy_mini(tmp_path)
    settings = mini_settings(tmp_path / "cache", data_dir=source / "data")
    good = run_build(settings)
    with (source / "data" / "mini-data.ttl").open("a") as handle:
        handle.write("\n<https://example.org/kg/id/country/cc> a <https://schema.org/Country> .\n")
    return settings, good.key


def _assert_last_good_build_stays(settings: Settings, good_key: str, error: BuildError) -> None:
    message = str(error)
    assert message.startswith(f"cannot write the build to {settings.cache_dir / 'builds'}: No space left on device")
    assert "\n" not in message and "last good build stays current" in message
    current = current_build(settings)
    assert current is not None and current.key == good_key
    assert cached_build(settings) is None
    assert [p.name for p in (settings.cache_dir / "builds").iterdir()] == [good_key]  # nothing half-written
    assert sorted(p.name for p in settings.cache_dir.iterdir() if p.name != "builds") == [LOCK_FILE, "current"]


@pytest.mark.parametrize("failing", [1, 3, 5], ids=["dataset", "third file", "last oxigraph dump"])
def test_disk_full_while_writing_files_keeps_the_last_good_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    settings, good_key = _new_inputs(tmp_path)
    serialize = ox.serialize
    written: list[Path] = []

    def filling_serialize(*args: Any, **kwargs: Any) -> None:
        serialize(*args, **kwargs)
        written.append(Path(args[1]))
        if len(written) == failing:
            raise _disk_full(written[-1])

    monkeypatch.setattr(ox, "serialize", filling_serialize)
    with pytest.raises(BuildError) as caught:
        run_build(settings)
    assert len(written) == failing
    _assert_last_good_build_stays(settings, good_key, caught.value)
    monkeypatch.undo()
    assert run_build(settings).key != good_key  # with room again, the build goes through


@pytest.mark.parametrize("name", [MANIFEST, "aifkg.jsonld"], ids=["manifest", "JSON-LD dump"])
def test_disk_full_while_writing_the_manifest_keeps_the_last_good_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    settings, good_key = _new_inputs(tmp_path)
    write_text = Path.write_text

    def filling_write_text(path: Path, text: str, *args: Any, **kwargs: Any) -> int:
        written = write_text(path, text, *args, **kwargs)
        if path.name == name:
            raise _disk_full(path)
        return written

    monkeypatch.setattr(Path, "write_text", filling_write_text)
    with pytest.raises(BuildError) as caught:
        run_build(settings)
    _assert_last_good_build_stays(settings, good_key, caught.value)


def test_disk_full_while_marking_the_build_current_keeps_the_last_good_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, good_key = _new_inputs(tmp_path)
    write_text = Path.write_text

    def filling_write_text(path: Path, text: str, *args: Any, **kwargs: Any) -> int:
        if path.name.startswith(".current"):
            write_text(path, text[:3], *args, **kwargs)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return write_text(path, text, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", filling_write_text)
    with pytest.raises(BuildError, match=r"^cannot make build \w+ current in .*: No space left on device$"):
        run_build(settings)
    current = current_build(settings)
    assert current is not None and current.key == good_key
    assert sorted(p.name for p in settings.cache_dir.iterdir()) == [LOCK_FILE, "builds", "current"]
    monkeypatch.undo()
    again = run_build(settings)
    assert again.key == build_key(settings) and cached_build(settings) == again
    assert (settings.cache_dir / "current").read_text() == build_key(settings)


def test_disk_full_is_a_one_line_error_from_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError("No space left on device (os error 28)")  # what pyoxigraph raises on a full disk

    monkeypatch.setattr(ox, "serialize", full)
    assert main(["build", *mini_source_args(tmp_path / "cache"), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: cannot write the build to {tmp_path / 'cache' / 'builds'}: No space left on device (os error 28); "
        "the last good build stays current\n"
    )
