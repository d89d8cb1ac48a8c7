"""The production HTTP server: granian, its web workers each owning their query workers.

The build is made (or found in the cache) before any worker starts, so workers only load the finished
dataset, and granian respawns a worker that dies. Two things granian does not do for us:
- it binds with SO_REUSEPORT, so a second server on a port an aifkg server already holds would start and
  the kernel would split requests between the two builds: `claim_port` refuses a port in use at once;
- it waits for its workers to finish their connections on a stop without a bound: `STOP_SECONDS` bounds it
  (Ctrl-C or SIGTERM; a worker killed then takes its query workers with it, by their parent-death signal).
"""

from __future__ import annotations

import errno
import logging
import os
import socket
from dataclasses import fields

from aifkg.build import Build
from aifkg.config import Settings
from aifkg.errors import AifkgError

STOP_SECONDS = 3  # how long a stopping web worker may take to finish its connections before it is killed
# granian warns when a worker may run more Python threads than twice the cores; ours mostly wait on a query
# worker's pipe (the CPU work is in those processes), so the warning would only mislead whoever starts it
THREADS_WARNING = "Configuration allows spawning up to"


class PortInUse(AifkgError):
    """The address to listen on is taken (by another aifkg server or another program)."""


def claim_port(host: str, port: int) -> socket.socket:
    """Bind host:port without SO_REUSEPORT, so that any listener there (granian's included) makes this fail;
    the caller closes the socket just before granian binds. It does not listen: while the build runs no
    client can connect, and broken input never opens the port. SO_REUSEADDR lets a restart bind while the
    last run's closed connections linger in TIME_WAIT."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror as error:
        raise PortInUse(f"cannot listen on {host}:{port}: {error.strerror}") from error
    probe = socket.socket(family, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((host, port))
    except OSError as error:
        probe.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(
                f"port {port} on {host} is already in use (another aifkg server or another program); "
                "stop it or choose another port (--port, or PORT=... make run)"
            ) from error
        raise PortInUse(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    return probe


def export_settings(settings: Settings) -> None:
    """Put every setting into AIFKG_* variables so workers started by name rebuild the same Settings."""
    for item in fields(Settings):
        value = getattr(settings, item.name)
        os.environ[f"AIFKG_{item.name.upper()}"] = "" if value is None else str(value)


class _WithoutThreadsWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(THREADS_WARNING)


def run_granian(settings: Settings, claimed: socket.socket) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    export_settings(settings)
    # granian forks its workers from this process (Linux): importing the web application here, once, means
    # each worker starts with Flask and the pages already loaded instead of importing them itself (a third
    # of a second of CPU each, on start-up and on every respawn). Only imports: no threads, no processes.
    import aifkg.wsgi  # noqa: F401

    server = Granian(
        "aifkg.wsgi:create",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=settings.web_workers,
        blocking_threads=settings.threads,
        factory=True,
        respawn_failed_workers=True,
        workers_kill_timeout=STOP_SECONDS,
        log_level="warning",  # type: ignore[arg-type]
    )
    logging.getLogger("_granian").addFilter(_WithoutThreadsWarning())  # after Granian() configured logging
    claimed.close()  # granian binds the port itself, a moment from now
    server.serve()


def serve(settings: Settings, build: Build, claimed: socket.socket) -> int:
    """Serve `build` on the port `claimed` holds (see claim_port) until Ctrl-C or SIGTERM."""
    print(
        f"serving {build.stats.total_triples} triples at http://{settings.host}:{settings.port}/ (SPARQL: /sparql)",
        flush=True,
    )
    run_granian(settings, claimed)
    return 0
