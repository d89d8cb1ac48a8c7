"""Drive a SPARQL endpoint with wrk and a mix of GET requests; read back throughput and percentiles."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

LUA = """
local paths = {%s}
local i = 0
request = function()
  i = (i %% #paths) + 1
  return wrk.format("GET", paths[i], {["Accept"] = "application/sparql-results+json"})
end
"""


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    errors: int
    error_detail: str = ""  # wrk's own words: socket errors by kind, non-2xx responses


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is missing: `make bench` installs it (apt-get install -y wrk)")
    return wrk


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _milliseconds(value: str) -> float:
    """wrk's '812.00us', '1.54ms', '1.21s', '2.00m' in milliseconds; NaN for anything else."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    if match is None:
        return float("nan")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(endpoint: str, queries: list[str], clients: int, seconds: float) -> LoadResult:
    """One wrk run: `clients` connections cycling through `queries` as GET requests."""
    parsed = urllib.parse.urlsplit(endpoint)
    base = f"{parsed.scheme}://{parsed.netloc}"
    paths = [f"{parsed.path}?{urllib.parse.urlencode({'query': q})}" for q in queries]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(_lua_string(p) for p in paths))
    threads = max(1, min(2, clients))
    output = subprocess.run(
        [
            require_wrk(),
            f"-t{threads}",
            f"-c{clients}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "--timeout",
            "30s",
            "-s",
            script.name,
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(script.name).unlink()
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", output, re.MULTILINE))
    total = re.search(r"(\d+) requests in", output)
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return LoadResult(
        requests_per_second=float(rps.group(1)) if rps else 0.0,
        p50_ms=_milliseconds(percentiles.get("50", "n/a")),
        p90_ms=_milliseconds(percentiles.get("90", "n/a")),
        p99_ms=_milliseconds(percentiles.get("99", "n/a")),
        requests=int(total.group(1)) if total else 0,
        errors=errors,
        error_detail="; ".join(
            line.strip() for line in output.splitlines() if "Socket errors" in line or "Non-2xx" in line
        ),
    )
