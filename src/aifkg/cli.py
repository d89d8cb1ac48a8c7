"""The `aifkg` command: a thin shell over the engine that owns printing and exit codes.

Exit codes: 0 success, 1 the data violates the shapes (or a query failed), 2 a usage or build error.
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
from pathlib import Path

from aifkg import __version__
from aifkg.build import Build, BuildError, ValidationFailed, run_build
from aifkg.config import Settings, settings_from_env
from aifkg.graph import SourceError, load_sources, rdf_files
from aifkg.namespace import prefix_table
from aifkg.query_text import QueryTextError, TextLimits, check_text
from aifkg.sparql import ProtocolError, format_by_parameter
from aifkg.store import EngineFailure, NotAcceptable, NotRepresentable, QueryFailed, QuerySyntaxError, TooManyRows

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
        http_server=getattr(args, "server", None),
        query_timeout=getattr(args, "timeout", None),
    )


def _build(args: argparse.Namespace, force: bool = False) -> Build:
    return run_build(_settings(args), Progress(getattr(args, "quiet", False)), force=force)


def cmd_build(args: argparse.Namespace) -> int:
    build = _build(args, force=args.force)
    print(f"build {build.key}: {build.stats.total_triples} triples, {build.warnings} warning(s), in {build.folder}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from aifkg.reasoning import infer_with_timeout
    from aifkg.validation import validate_graph

    settings = _settings(args)
    progress = Progress(args.quiet)
    progress("loading")
    sources = load_sources(settings.ontology_dir, settings.data_dir, settings.shapes_dir)
    progress(f"reasoning over {len(sources.ontology) + len(sources.data)} triples")
    closure = infer_with_timeout(sources.ontology, sources.data, settings.reasoning_timeout, settings.base_iri)
    progress("validating")
    union = sources.ontology + sources.data + closure.inferred
    report = validate_graph(union, sources.shapes)
    print(report.describe(limit=args.limit))
    return 0 if report.conforms else 1


def cmd_reason(args: argparse.Namespace) -> int:
    from aifkg.reasoning import infer_with_timeout

    settings = _settings(args)
    progress = Progress(args.quiet)
    sources = load_sources(settings.ontology_dir, settings.data_dir, settings.shapes_dir)
    progress("reasoning with owlrl")
    closure = infer_with_timeout(sources.ontology, sources.data, settings.reasoning_timeout, settings.base_iri)
    if args.output:
        closure.inferred.serialize(destination=args.output, format="turtle")
    print(f"{len(closure.inferred)} inferred triples kept, {closure.dropped} trivial or invalid dropped")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from aifkg.store import QueryRequest, execute, open_store

    settings = _settings(args)
    text = Path(args.file).read_text(encoding="utf-8") if args.file else args.query
    if not text:
        print("give a query or --file", file=sys.stderr)
        return 2
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
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    build = _build(args)
    name = EXPORT_NAMES[args.format]
    if args.output:
        shutil.copyfile(build.dump_path(name), args.output)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        with build.dump_path(name).open("rb") as dump:
            shutil.copyfileobj(dump, sys.stdout.buffer)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    build = _build(args)
    stats = build.stats
    if args.json:
        print(json.dumps(stats.to_dict(), indent=2))
        return 0
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
    return 0


def cmd_format(args: argparse.Namespace) -> int:
    from aifkg.turtle_format import FormatRefused, format_turtle

    settings = _settings(args)
    paths = []
    for target in args.paths or [settings.ontology_dir, settings.shapes_dir, settings.data_dir]:
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
    return 1 if refused or (args.check and not_canonical) else 0


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
    from aifkg.server import serve

    settings = _settings(args)
    build = run_build(settings, Progress(args.quiet))
    return serve(settings, build)


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("sources (default: this project's folders; also AIFKG_* variables)")
    group.add_argument("--ontology", type=Path, help="folder of ontology Turtle files")
    group.add_argument("--data", type=Path, help="folder of instance data Turtle files")
    group.add_argument("--shapes", type=Path, help="folder of SHACL shapes")
    group.add_argument("--base-iri", help="namespace of the graph (default https://w3id.org/aifactories/)")
    group.add_argument("--cache", type=Path, help="where builds are kept (default .cache/)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aifkg", description="Build, check, query and serve the EuroHPC AI Factories knowledge graph."
    )
    parser.add_argument("--version", action="version", version=f"aifkg {__version__}")
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
    serve.add_argument("--server", choices=("gunicorn", "granian"), help="HTTP server (default granian)")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ValidationFailed as error:
        print(error, file=sys.stderr)
        return 1
    except ProtocolError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1 if error.status < 500 else 2
    except QueryTextError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    except (QueryFailed, NotRepresentable, TooManyRows, QuerySyntaxError, NotAcceptable, EngineFailure) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (BuildError, SourceError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
