"""Drive a SPARQL endpoint with wrk (GET mixes of fixed texts, or POSTs of distinct texts); read back figures."""

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

DISTINCT_LUA = """
local path = %(path)s
local prefix = %(prefix)s
local headers = {["Content-Type"] = "application/sparql-query", ["Accept"] = "application/sparql-results+json"}
local threads = {}
local next_id = 0
counter = 0  -- globals, so that setup can set thread_id and done can read each thread's counter

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

request = function()
  counter = counter + 1
  local suffix = string.format("%%09d", (thread_id or 0) * 100000000 + counter)
  return wrk.format("POST", path, headers, prefix .. suffix)
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("counter")
  end
  io.write(string.format("distinct texts: %%d\\n", total))
end
"""


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float  # wrk's figure: every response, a quick 503 as well
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    errors: int
    error_detail: str = ""  # wrk's own words: socket errors by kind, non-2xx responses
    answered_per_second: float = 0.0  # 2xx responses only (wrk counts non-2xx as errors)
    distinct_texts: int | None = None  # bodies the distinct-text script generated (None for other scripts)


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is missing: `make bench` installs it (apt-get install -y wrk)")
    return wrk


def _lua_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return '"' + escaped + '"'


def _milliseconds(value: str) -> float:
    """wrk's '812.00us', '1.54ms', '1.21s', '2.00m' in milliseconds; NaN for anything else."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    if match is None:
        return float("nan")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def mix_script(endpoint: str, queries: list[str]) -> str:
    """GET requests cycling through `queries` (the same few texts over and over)."""
    path = urllib.parse.urlsplit(endpoint).path
    paths = [f"{path}?{urllib.parse.urlencode({'query': q})}" for q in queries]
    return LUA % ", ".join(_lua_string(p) for p in paths)


def distinct_script(endpoint: str, prefix: str) -> str:
    """POST application/sparql-query bodies: `prefix` and nine digits no other request of the run gets.

    Each wrk thread has its own Lua state: `setup` numbers the threads, and a thread's n-th body ends in the
    digits of thread * 10^8 + n, so the texts differ across threads and requests (`prefix` tells runs apart:
    TypicalQuery.distinct_prefix). `done` prints how many bodies were made, read back as
    `LoadResult.distinct_texts`.
    """
    path = urllib.parse.urlsplit(endpoint).path
    return DISTINCT_LUA % {"path": _lua_string(path), "prefix": _lua_string(prefix)}


def run_wrk(endpoint: str, queries: list[str], clients: int, seconds: float) -> LoadResult:
    """One wrk run: `clients` connections cycling through `queries` as GET requests."""
    return run_wrk_script(endpoint, mix_script(endpoint, queries), clients, seconds)


def run_wrk_script(endpoint: str, script_text: str, clients: int, seconds: float) -> LoadResult:
    """One wrk run of `clients` connections (at most two threads: the machine is shared) with a Lua script."""
    parsed = urllib.parse.urlsplit(endpoint)
    base = f"{parsed.scheme}://{parsed.netloc}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(script_text)
    threads = max(1, min(2, clients))
    try:
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
    finally:
        Path(script.name).unlink()
    return parse_wrk_output(output)


def parse_wrk_output(output: str) -> LoadResult:
    """wrk's report (with --latency, and the distinct-text script's count) as figures."""
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)\s*$", output, re.MULTILINE))  # "1.78s " too
    total = re.search(r"(\d+) requests in", output)
    refused = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors = refused + sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    done = int(total.group(1)) if total else 0
    rate = float(rps.group(1)) if rps else 0.0
    generated = re.search(r"^distinct texts: (\d+)$", output, re.MULTILINE)
    return LoadResult(
        requests_per_second=rate,
        answered_per_second=rate * (done - refused) / done if done else 0.0,
        p50_ms=_milliseconds(percentiles.get("50", "n/a")),
        p90_ms=_milliseconds(percentiles.get("90", "n/a")),
        p99_ms=_milliseconds(percentiles.get("99", "n/a")),
        requests=done,
        errors=errors,
        error_detail="; ".join(
            line.strip() for line in output.splitlines() if "Socket errors" in line or "Non-2xx" in line
        ),
        distinct_texts=int(generated.group(1)) if generated else None,
    )
