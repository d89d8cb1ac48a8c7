"""A storm of slow queries at once: `python -m benchmarks.storm --slow 200`.

Starts `aifkg serve` on the test fixture graph with a 1 s query limit, fires `--slow` expensive queries at
once (the battery of tests/e2e/test_expensive_queries.py) while one client keeps asking distinct cheap
queries, and reports how many slow ones were stopped, how long the storm lasted and the cheap queries'
latency. For the record, nothing asserts; traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from tests.e2e.conftest import mini_args, start_server, stop_server
from tests.e2e.test_expensive_queries import EXPENSIVE, Answer, CheapStream, Drain, ask, stopped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.storm", description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=200, help="slow queries sent at once (default 200)")
    args = parser.parse_args(argv)
    if not 1 <= args.slow <= 1000:
        parser.error("--slow must be in [1, 1000]")
    with tempfile.TemporaryDirectory(prefix="aifkg-storm-") as cache:
        env = {"AIFKG_QUERY_TIMEOUT": "1", "AIFKG_MAX_ROWS": "1000"}
        server = start_server(mini_args(Path(cache)), env)
        Drain(server)
        try:
            names = list(EXPENSIVE)
            results: list[Answer | None] = [None] * args.slow

            def run(index: int) -> None:
                results[index] = ask(server, f"{EXPENSIVE[names[index % len(names)]]} # {index}", timeout=120)

            with CheapStream(server) as cheap:
                time.sleep(0.3)
                began = time.monotonic()
                threads = [threading.Thread(target=run, args=(i,)) for i in range(args.slow)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                storm = time.monotonic() - began
                time.sleep(0.3)
        finally:
            stop_server(server)
    answered = [a for a in results if a is not None]
    seconds = sorted(a.seconds for a in answered)
    print(
        f"aifkg: {args.slow} slow queries at once; storm over in {storm:.1f} s; "
        f"stopped {sum(stopped(a) for a in answered)}/{args.slow}; "
        f"answered within p50 {seconds[len(seconds) // 2]:.1f} s, max {seconds[-1]:.1f} s"
    )
    print(cheap.report("cheap queries during the storm"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
