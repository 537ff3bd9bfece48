"""How long `make run` takes to stop on SIGTERM, and to start again with what it saved, with tickets in it.

Starts the local stack as its own process (free ports, a temporary folder for its state, outbox and
saved data), creates ``--tickets`` tickets over HTTP (half of them in a category, so their plans'
executions are running), sends SIGTERM and times the exit (goal: 2 s, exit code 0), then starts it
again on the same folder and times the start with the restore. Exits 1 when the stop misses the goal
or a ticket is not back. Run from the repository root (``make bench``, or
``PYTHONPATH=.:layers/complaintdesk/python .venv/bin/python -m tests.bench.bench_stop --tickets 100``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
GOAL_SECONDS = 2.0


def start(folder: Path) -> tuple[subprocess.Popen[bytes], dict[str, Any], float]:
    state = folder / "stack.json"
    command = [sys.executable, "-m", "infra.local.stack", "--api-port", "0", "--moto-port", "0"]
    command += ["--smtp-port", "0", "--console-port", "0"]
    command += ["--outbox", str(folder / "outbox"), "--state-file", str(state)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    log = (folder / "stack.log").open("ab")
    began = time.monotonic()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    while not state.exists():
        if process.poll() is not None or time.monotonic() - began > 300:
            raise SystemExit("the local stack did not start:\n" + (folder / "stack.log").read_text()[-3000:])
        time.sleep(0.1)
    return process, json.loads(state.read_text()), time.monotonic() - began


def call(info: dict[str, Any], method: str, path: str, body: Any = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        info["api_url"] + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {info['tokens']['agent']}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def complaint(n: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "web",
        "subject": f"Parcel {n} never arrived",
        "description": "Tracking has been stuck for a week.",
        "customer": {"name": f"Customer {n}", "email": f"bench-stop-{n}@example.com", "language": "en"},
    }
    if n % 2:
        body["category"] = "late-delivery"
        body["fields"] = {"order_number": f"TR-{n}", "carrier": "aras", "promised_date": "2026-11-20"}
    return body


def stop(process: subprocess.Popen[bytes]) -> tuple[int, float]:
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        return -9, time.monotonic() - began
    return code, time.monotonic() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-stop-") as temporary:
        folder = Path(temporary)
        process, info, started = start(folder)
        print(f"started (empty) in {started:.1f} s")
        with ThreadPoolExecutor(args.clients) as pool:
            created = list(
                pool.map(lambda n: call(info, "POST", "/tickets", complaint(n)), range(args.tickets))
            )
        ids = [body["ticket_id"] for status, body in created if status == 201]
        print(f"created {len(ids)} of {args.tickets} tickets")
        time.sleep(3)  # the queues and the stream catch up a little; plans are running
        code, took = stop(process)
        saved = json.loads((folder / "data" / "manifest.json").read_text())
        print(f"SIGTERM → exit {code} in {took:.2f} s (goal {GOAL_SECONDS:g} s); saved {saved}")
        process, info, restarted = start(folder)
        back = sum(call(info, "GET", f"/tickets/{ticket_id}")[0] == 200 for ticket_id in ids)
        restored = info.get("restored", {})
        print(
            f"started again (restoring) in {restarted:.1f} s; {back} of {len(ids)} tickets back; "
            f"{len(restored.get('plans_not_resumed', []))} plans not resumed"
        )
        code2, took2 = stop(process)
        print(f"second SIGTERM → exit {code2} in {took2:.2f} s")
        log = (folder / "stack.log").read_text(errors="replace").splitlines()
        print("\n".join(line for line in log if line.startswith("[local] stopped")))
    ok = code == 0 and code2 == 0 and took <= GOAL_SECONDS and back == len(ids)
    print("stop bench:", "meets the goal" if ok else "MISSES the goal")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
