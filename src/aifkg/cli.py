"""The `aifkg` command: a thin shell over the engine that owns printing and exit codes.

Every command runs the same pipeline (pipeline.py: load, reason, validate), directly or through the build.
The engine raises domain errors (errors.py); this module alone decides what they mean to a user:

    0    success
    1    the input does not pass the check: violations of the shapes, or (format --check) files not canonical
    2    an error: a usage error, a missing or broken file, an inconsistent graph, reasoning that failed, a
         query refused or failed, a port in use, anything unexpected; one line on stderr, no traceback
    130  interrupted (Ctrl-C) before the server started; a server stopped by Ctrl-C or SIGTERM exits 0
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from aifkg import __version__
from aifkg.build import Build, run_build
from aifkg.config import Settings, settings_from_env, settings_markdown
from aifkg.errors import AifkgError, SourceError, ValidationFailed
from aifkg.graph import rdf_files
from aifkg.namespace import prefix_table
from aifkg.query_text import QueryTextError, TextLimits, check_text
from aifkg.sparql import ProtocolError, format_by_parameter
from aifkg.stats import linked_lines
from aifkg.store import EngineFailure, NotAcceptable, NotRepresentable, QueryFailed, QuerySyntaxError, TooManyRows

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
# the query path's errors (sparql.py, store.py) are errors like the engine's own: a refused or failed query
QUERY_ERRORS = (QueryFailed, NotRepresentable, TooManyRows, QuerySyntaxError, NotAcceptable, EngineFailure)

EXPORT_NAMES = {
    "turtle": "aifkg.ttl",
    "ttl": "aifkg.ttl",
    "nt": "aifkg.nt",
    "ntriples": "aifkg.nt",
    "trig": "aifkg.trig",
    "nq": "aifkg.nq",
    "nquads": "aifkg.nq",
    "jsonld": "aifkg.jsonld",
}


class Progress:
    """Timestamped steps on stderr, so a long build shows where it is."""

    def __init__(self, quiet: bool = False) -> None:
        self.started = time.perf_counter()
        self.quiet = quiet

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(f"[{time.perf_counter() - self.started:6.1f}s] {message}", file=sys.stderr, flush=True)


def _settings(args: argparse.Namespace) -> Settings:
    return settings_from_env(
        ontology_dir=getattr(args, "ontology", None),
        data_dir=getattr(args, "data", None),
        shapes_dir=getattr(args, "shapes", None),
        cache_dir=getattr(args, "cache", None),
        base_iri=getattr(args, "base_iri", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        web_workers=getattr(args, "workers", None),
        query_timeout=getattr(args, "timeout", None),
    )


def _build(args: argparse.Namespace, force: bool = False) -> Build:
    return run_build(_settings(args), Progress(getattr(args, "quiet", False)), force=force)


def cmd_build(args: argparse.Namespace) -> int:
    build = _build(args, force=args.force)
    print(f"build {build.key}: {build.stats.total_triples} triples, {build.warnings} warning(s), in {build.folder}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from aifkg.pipeline import check

    checked = check(_settings(args), Progress(args.quiet))
    print(checked.report.describe(limit=args.limit))
    return EXIT_OK if checked.report.conforms else EXIT_VIOLATIONS


def cmd_reason(args: argparse.Namespace) -> int:
    from aifkg.pipeline import load, reason

    settings = _settings(args)
    progress = Progress(args.quiet)
    reasoned = reason(settings, load(settings, progress), progress)
    if args.output:
        reasoned.inferred.serialize(destination=args.output, format="turtle")
    print(f"{len(reasoned.inferred)} inferred triples kept, {reasoned.dropped} trivial or invalid dropped")
    return EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    from aifkg.store import QueryRequest, execute, open_store

    settings = _settings(args)
    text = Path(args.file).read_text(encoding="utf-8") if args.file else args.query
    if not text:
        print("error: give a query or --file", file=sys.stderr)
        return EXIT_ERROR
    check_text(text, TextLimits(settings.max_query_bytes, settings.max_nesting))
    formats: list[str | None] = [None, None] if args.format else ["csv", "turtle"]
    if args.format:
        for index, kind in enumerate(("results", "graph")):
            with contextlib.suppress(ProtocolError):
                formats[index] = format_by_parameter(args.format, kind).name
        if formats == [None, None]:
            format_by_parameter(args.format, "results")  # the error that names the formats
    build = run_build(settings, Progress(True))
    store = open_store(build.dataset_path)
    outcome = execute(
        store,
        QueryRequest(
            query=text,
            result_format=formats[0] or formats[1],
            other_format=formats[1] if formats[0] else None,
            max_rows=settings.max_rows,
            prefixes=prefix_table(settings.base_iri),
        ),
    )
    sys.stdout.buffer.write(outcome.body)
    sys.stdout.flush()
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    build = _build(args)
    name = EXPORT_NAMES[args.format]
    if args.output:
        shutil.copyfile(build.dump_path(name), args.output)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        with build.dump_path(name).open("rb") as dump:
            shutil.copyfileobj(dump, sys.stdout.buffer)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    build = _build(args)
    stats = build.stats
    if args.json:
        print(json.dumps(stats.to_dict(), indent=2))
        return EXIT_OK
    print(f"build {build.key} of {build.built_at}")
    print("triples per graph:")
    for name, count in stats.triples.items():
        print(f"  {name:<10} {count:>8}")
    print(f"  {'total':<10} {stats.total_triples:>8}")
    print("entities per class:")
    for cls, count in stats.entities_per_class.items():
        print(f"  {count:>6}  {cls}")
    print("entities with dcterms:source:")
    for name, (with_source, total) in stats.sourced.items():
        print(f"  {name:<18} {with_source}/{total}")
    print(f"  share: {stats.source_share():.1%}")
    print("linked to the web of data (with / total, share):")
    for line in linked_lines(stats):
        print(line)
    return EXIT_OK


def cmd_format(args: argparse.Namespace) -> int:
    from aifkg.turtle_format import FormatRefused, format_turtle

    targets = args.paths
    if not targets:
        settings = _settings(args)
        targets = [settings.ontology_dir, settings.shapes_dir, settings.data_dir]
    paths = []
    for target in targets:
        if not target.exists():
            raise SourceError(f"no such file or folder: {target}")
        paths += [path for path in rdf_files(target) if path.suffix == ".ttl"] if target.is_dir() else [target]
    not_canonical = refused = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        try:
            canonical = format_turtle(text)
        except FormatRefused as error:
            print(f"{path}: left as it is: {error}", file=sys.stderr)
            refused += 1
            continue
        if canonical != text:
            not_canonical += 1
            print(f"{'not canonical' if args.check else 'formatted'}: {path}")
            if not args.check:
                _replace_file(path, canonical)
    if not args.quiet:
        print(f"{len(paths)} Turtle file(s), {not_canonical} not canonical, {refused} refused", file=sys.stderr)
    return EXIT_VIOLATIONS if refused or (args.check and not_canonical) else EXIT_OK


def _replace_file(path: Path, text: str) -> None:
    """Write beside the file, then rename over it: a reader never sees half a file."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False) as out:
        out.write(text)
    try:
        shutil.copymode(path, out.name)
        os.replace(out.name, path)
    except OSError:
        os.unlink(out.name)
        raise


def cmd_serve(args: argparse.Namespace) -> int:
    from aifkg.server import claim_port, serve

    settings = _settings(args)
    claimed = claim_port(settings.host, settings.port)  # a port in use fails now, not after the build
    try:
        build = run_build(settings, Progress(args.quiet))
    except BaseException:
        claimed.close()
        raise
    return serve(settings, build, claimed)


def cmd_settings(args: argparse.Namespace) -> int:
    if args.markdown:
        print(settings_markdown(), end="")
        return EXIT_OK
    settings = _settings(args)
    for item in fields(Settings):
        value = getattr(settings, item.name)
        print(f"AIFKG_{item.name.upper()}={'' if value is None else value}")
    return EXIT_OK


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "sources (default: the checkout's folders, required in an installed copy; also AIFKG_* variables)"
    )
    group.add_argument("--ontology", type=Path, help="folder of ontology Turtle files")
    group.add_argument("--data", type=Path, help="folder of instance data Turtle files")
    group.add_argument("--shapes", type=Path, help="folder of SHACL shapes")
    group.add_argument("--base-iri", help="namespace of the graph (default https://w3id.org/aifactories/)")
    group.add_argument("--cache", type=Path, help="where builds are kept (default .cache/ of the checkout)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aifkg", description="Build, check, query and serve the EuroHPC AI Factories knowledge graph."
    )
    parser.add_argument("--version", action="version", version=f"aifkg {__version__}")
    parser.add_argument("--traceback", action="store_true", help="show the traceback of an unexpected error")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="build (or reuse the cached build) and serve HTTP",
        description="Serve the SPARQL endpoint, linked-data pages and dumps.",
    )
    serve.add_argument("--host", help="interface to listen on (default 127.0.0.1, or $HOST)")
    serve.add_argument("--port", type=int, help="port (default 8000, or $PORT)")
    serve.add_argument("--workers", type=int, help="web worker processes (default 2)")
    serve.add_argument("--timeout", type=float, help="query time limit in seconds (default 10)")
    _add_source_options(serve)
    serve.set_defaults(handler=cmd_serve)

    build = commands.add_parser(
        "build",
        help="load, reason, validate and write the build to the cache",
        description="Build the dataset; an unchanged input reuses the cached build.",
    )
    build.add_argument("--force", action="store_true", help="rebuild even when a cached build exists")
    _add_source_options(build)
    build.set_defaults(handler=cmd_build)

    validate = commands.add_parser(
        "validate",
        help="check the reasoned data against the SHACL shapes",
        description="Exit 0 when the data conforms, 1 on violations, 2 on error.",
    )
    validate.add_argument("--limit", type=int, default=200, help="findings to print (default 200)")
    _add_source_options(validate)
    validate.set_defaults(handler=cmd_validate)

    reason = commands.add_parser("reason", help="compute the OWL RL closure and report what it adds")
    reason.add_argument("--output", type=Path, help="write the inferred triples as Turtle")
    _add_source_options(reason)
    reason.set_defaults(handler=cmd_reason)

    query = commands.add_parser(
        "query",
        help="run a SPARQL query on the local build, offline",
        description="Example: aifkg query 'SELECT * { ?s ?p ?o } LIMIT 5' --format csv",
    )
    query.add_argument("query", nargs="?", help="the SPARQL query text")
    query.add_argument("--file", type=Path, help="read the query from a .rq file instead")
    query.add_argument("--format", help="json, xml, csv, tsv (SELECT/ASK); turtle, ntriples, jsonld, rdfxml")
    _add_source_options(query)
    query.set_defaults(handler=cmd_query)

    export = commands.add_parser("export", help="write the whole dataset in one format")
    export.add_argument("--format", choices=sorted(EXPORT_NAMES), default="turtle")
    export.add_argument("--output", type=Path, help="file to write (default: standard output)")
    _add_source_options(export)
    export.set_defaults(handler=cmd_export)

    format_ = commands.add_parser(
        "format",
        help="rewrite Turtle files in the canonical layout (the graph never changes)",
        description="Default paths: the ontology, shapes and data folders. With --check: exit 1 if a file is "
        "not canonical, changing nothing.",
    )
    format_.add_argument("paths", nargs="*", type=Path, help="Turtle files or folders")
    format_.add_argument("--check", action="store_true", help="only list the files that are not canonical")
    _add_source_options(format_)
    format_.set_defaults(handler=cmd_format)

    stats = commands.add_parser("stats", help="counts per graph and class, and the share of sourced entities")
    stats.add_argument("--json", action="store_true", help="print the numbers as JSON")
    _add_source_options(stats)
    stats.set_defaults(handler=cmd_stats)

    settings = commands.add_parser(
        "settings",
        help="print every setting in force (AIFKG_* variables and options), or the docs' table",
        description="Each line is a variable as the environment would set it; see docs/settings.md.",
    )
    settings.add_argument("--markdown", action="store_true", help="print docs/settings.md (defaults, meanings)")
    _add_source_options(settings)
    settings.set_defaults(handler=cmd_settings)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure becomes an exit code and one line on stderr (see the table above)."""
    args = make_parser().parse_args(argv)  # a usage error exits 2 here, as argparse does
    try:
        return int(args.handler(args))
    except ValidationFailed as error:
        print(error, file=sys.stderr)
        return EXIT_VIOLATIONS
    except ProtocolError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return EXIT_ERROR
    except QueryTextError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return EXIT_ERROR
    except (AifkgError, *QUERY_ERRORS) as error:
        print(f"error: {_one_line(error)}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as error:  # a file to read or write: named by the error itself
        print(f"error: {_one_line(error)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug: still one line and exit 2, the traceback only when asked for
        if args.traceback:
            raise
        print(
            f"error: unexpected {type(error).__name__}: {_one_line(error)} (--traceback shows where)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:1000] or type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
