"""A day's load on the embedded stack (``make loadtest``): is `make run` good for a company's day?

Starts `make run`'s own process (``python -m infra.local.stack``) on free ports with a fresh outbox,
then, over real HTTP and SMTP:

- 8 concurrent clients create 1,000 tickets (half of them categorised, so their plan starts), and
  now and then read a ticket back and open the customer's 360;
- one more client sends 200 complaints by e-mail to the inbound SMTP server, one every 0.75 s
  (spread over the first 150 s, as mail arrives).

The API clients send flat out: each sends its next create as soon as its last one is answered. With
``--spread S`` the creates arrive on a schedule instead, as complaints arrive on a day: ticket n is
due S * n / tickets seconds from the start (and the e-mails are spread over S seconds too). A create's
latency is then counted from the moment it was due, not from when a client got round to it: when all
8 clients are still waiting on the stack, the wait for a free client is part of the latency, so a
stack that falls behind cannot hide it (no "coordinated omission"). Flat out, the creates crowd out
the work that follows them (the publisher, the plans, the notifications), which catches up after
the last create; on a schedule all of it runs side by side, as on a real day.

It then waits until every queue of the stack is empty, and verifies the outcome from the stack's own
state: every created ticket is in the table once, every e-mail became exactly one ticket, every
ticket has exactly one acknowledgement .eml in the outbox, every categorised ticket reached its first
step, and the stack's log holds no traceback. It prints throughput, p50/p95/p99 per endpoint, the drain time,
the RSS and thread count of the stack's processes (the stack and moto's), the CPU seconds each used
from the first send to the drain, the counts it verified, and PASS/FAIL per target; it exits
non-zero on any FAIL.

Run from the repository root: ``make loadtest`` (or ``.venv/bin/python -m tests.bench.loadtest``;
``--help`` for smaller runs). Not part of the pytest suite.
"""

from __future__ import annotations

import argparse
import email
import json
import os
import signal
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from infra.local.state import moto_client

REPO = Path(__file__).resolve().parents[2]
ACK_SUBJECT = "We received your complaint"  # ticket.acknowledged, in English

TARGETS = {
    "send_seconds": 180.0,  # everything sent within 3 minutes
    "drain_seconds": 120.0,  # every queue empty within 2 minutes after
    "p99_create_seconds": 1.0,
}


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class Stack:
    """The local stack as a child process, exactly as `make run` starts it."""

    def __init__(self, folder: Path, time_scale: float) -> None:
        self.folder = folder
        self.outbox, self.state = folder / "outbox", folder / "stack.json"
        self.log = folder / "stack.log"
        command = [sys.executable, "-m", "infra.local.stack", "--api-port", "0", "--moto-port", "0"]
        command += ["--smtp-port", "0", "--console-port", "0", "--outbox", str(self.outbox)]
        command += ["--state-file", str(self.state)]
        command += ["--time-scale", str(time_scale), "--ephemeral"]  # a fresh stack, nothing saved
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while not self.state.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the local stack did not start:\n" + self.log.read_text()[-3000:])
            time.sleep(0.2)
        self.info: dict[str, Any] = json.loads(self.state.read_text())

    def processes(self) -> list[int]:
        """The stack's process and its children (moto's process), depth first."""
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            for task in Path(f"/proc/{pid}/task").iterdir():
                try:
                    todo += [int(c) for c in (task / "children").read_text().split()]
                except FileNotFoundError:  # a thread that ended since the listing
                    continue
        return found

    def proc_status(self) -> tuple[int, int]:
        """(RSS in MiB, threads) of the stack's processes, summed."""
        rss = threads = 0
        for pid in self.processes():
            fields = {}
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                name, _, value = line.partition(":")
                fields[name] = value.strip()
            rss += int(fields["VmRSS"].split()[0]) // 1024
            threads += int(fields["Threads"])
        return rss, threads

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds (user + system) used so far by each of the stack's processes, by name."""
        ticks = os.sysconf("SC_CLK_TCK")
        used = {}
        for pid in self.processes():
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            module = command[2].decode() if len(command) > 2 and command[1] == b"-m" else str(pid)
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            used[module.rsplit(".", 1)[-1]] = (int(fields[11]) + int(fields[12])) / ticks
        return used

    def stop(self) -> float:
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return time.monotonic() - started


class Clients:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.failures: Counter[str] = Counter()
        self.lock = threading.Lock()

    def call(
        self,
        endpoint: str,
        method: str,
        path: str,
        body: Any = None,
        due: float | None = None,
        **headers: str,
    ) -> Any:
        """One request; its latency counts from ``due`` (the moment it was scheduled) if given."""
        request = urllib.request.Request(
            self.stack.info["api_url"] + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
        )
        request.add_header("Content-Type", "application/json")
        request.add_header("Authorization", f"Bearer {self.stack.info['tokens']['agent']}")
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        started = time.monotonic() if due is None else min(due, time.monotonic())
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = json.loads(response.read() or b"null")
                ok = True
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            answer, ok = error, False
        with self.lock:
            self.latencies[endpoint].append(time.monotonic() - started)
            if not ok:
                self.failures[endpoint] += 1
        return answer if ok else None

    def send_mail(self, mail: EmailMessage) -> bool:
        host, port = self.stack.info["smtp"].rsplit(":", 1)
        started = time.monotonic()
        try:
            with smtplib.SMTP(host, int(port), timeout=60) as smtp:
                smtp.send_message(mail, to_addrs=["support@complaintdesk.example"])
            ok = True
        except (smtplib.SMTPException, OSError):
            ok = False
        with self.lock:
            self.latencies["SMTP message"].append(time.monotonic() - started)
            if not ok:
                self.failures["SMTP message"] += 1
        return ok


def complaint(run: str, n: int, categorised: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "web",
        "subject": f"Load {run} ticket {n}",
        "description": "The parcel I ordered has not arrived and the tracking page has not moved.",
        "customer": {"name": f"Customer {n}", "email": f"load-{run}-{n}@example.com", "language": "en"},
    }
    if categorised:
        body["category"] = "late-delivery"
        body["fields"] = {"order_number": f"LD-{n:06d}", "carrier": "aras", "promised_date": "2026-11-20"}
    return body


def mail(run: str, n: int) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Mail Customer {n} <mail-{run}-{n}@example.com>"
    message["To"] = "support@complaintdesk.example"
    message["Subject"] = f"Load {run} mail {n}"
    message["Message-ID"] = f"<{run}-{n}@mail.example.com>"
    message.set_content(
        "Hello, the washing machine you delivered last week leaks water on every cycle. "
        "Please send someone to repair or replace it.\n"
    )
    return message


def queue_depths(stack: Stack) -> dict[str, int]:
    """Messages visible or in flight on every queue of the stack but the dead-letter ones."""
    sqs = moto_client(stack.info, "sqs")
    depths = {}
    for url in sqs.list_queues().get("QueueUrls", []):
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        depths[url.rsplit("/", 1)[-1]] = sum(int(v) for v in attributes.values())
    return depths


def table_tickets(stack: Stack) -> list[dict[str, Any]]:
    from boto3.dynamodb.types import TypeDeserializer

    dynamodb = moto_client(stack.info, "dynamodb")
    table = stack.info["env"]["TABLE_NAME"]
    plain = TypeDeserializer()
    found = []
    for page in dynamodb.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression="SK = :ticket",
        ExpressionAttributeValues={":ticket": {"S": "TICKET"}},
    ):
        found += [{k: plain.deserialize(v) for k, v in item.items()} for item in page["Items"]]
    return found


def plans_of(stack: Stack, ticket_ids: list[str]) -> dict[str, str]:
    """What Step Functions says of each ticket's plan (executions are named after their ticket):
    its status, and for one that ended, its history's last event."""
    sfn = moto_client(stack.info, "stepfunctions")
    wanted, found = set(ticket_ids), dict.fromkeys(ticket_ids, "no execution")
    for machine in sfn.list_state_machines()["stateMachines"]:
        pages = sfn.get_paginator("list_executions").paginate(stateMachineArn=machine["stateMachineArn"])
        for execution in (e for page in pages for e in page["executions"] if e["name"] in wanted):
            events = sfn.get_execution_history(executionArn=execution["executionArn"], reverseOrder=True)
            last = events["events"][0]["type"] if events["events"] else "no event"
            found[execution["name"]] = f"{execution['status']}, last event {last}"
    return found


def acknowledgements(outbox: Path) -> Counter[str]:
    """Ticket id → acknowledgements in the outbox."""
    counts: Counter[str] = Counter()
    for path in outbox.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if ACK_SUBJECT in str(message["Subject"] or ""):
            counts[str(message["X-Complaintdesk-Ticket"])] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--mails", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="SLA seconds per real second (default 1: a real day, so no step escalates while the run "
        "lasts; make run's demo scale 3600 escalates 500 open plans every few seconds, which keeps "
        "the notify queue busy by design)",
    )
    parser.add_argument(
        "--spread",
        type=float,
        default=0.0,
        help="seconds over which the creates (and the e-mails) arrive on a schedule, latency counted "
        "from each one's due time (default 0: the API clients send flat out)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the stack's folder (log, outbox)")
    args = parser.parse_args(argv)
    spread = args.spread
    run = uuid.uuid4().hex[:6]
    folder = Path(tempfile.mkdtemp(prefix="complaintdesk-load-"))
    print(
        f"loadtest {run}: {args.tickets} tickets from {args.clients} clients + {args.mails} e-mails",
        flush=True,
    )
    stack = Stack(folder, args.time_scale)
    clients = Clients(stack)
    samples: list[tuple[int, int]] = []
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.wait(1.0):
            try:
                samples.append(stack.proc_status())
            except (OSError, KeyError, ValueError):
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    created: dict[int, str] = {}

    late: list[float] = []

    def create(n: int) -> None:
        body = complaint(run, n, categorised=n % 2 == 0)
        due = None
        if spread:
            due = started + n * spread / args.tickets
            time.sleep(max(0.0, due - time.monotonic()))
            late.append(time.monotonic() - due)  # > 0: every client was still busy when it fell due
        ticket = clients.call("POST /tickets", "POST", "/tickets", body, due, Idempotency_Key=f"{run}-{n}")
        if not ticket or "ticket_id" not in ticket:
            return
        created[n] = ticket["ticket_id"]
        if n % 4 == 1:
            clients.call("GET /tickets/{id}", "GET", f"/tickets/{ticket['ticket_id']}")
        if n % 10 == 3:
            clients.call("GET /customers (360)", "GET", f"/customers?email=load-{run}-{n}@example.com")

    finished: dict[str, float] = {}

    def send_mails() -> int:
        # One mail every `spacing` seconds from the start, as mail arrives (not a pause after each
        # send, which would stretch the run by every SMTP answer's time).
        spacing = (spread or (150.0 if args.tickets >= 500 else 0.0)) / max(1, args.mails)
        sent = 0
        for n in range(args.mails):
            time.sleep(max(0.0, started + n * spacing - time.monotonic()))
            sent += clients.send_mail(mail(run, n))
        finished["e-mails"] = time.monotonic() - started
        return sent

    def create_all() -> None:
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(create, range(args.tickets)))
        finished["API"] = time.monotonic() - started

    cpu_at_start = stack.cpu_seconds()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as mailer:
        mails_sent = mailer.submit(send_mails)
        create_all()
        sent_mails = mails_sent.result()
    send_seconds = time.monotonic() - started
    print(
        f"sent in {send_seconds:.1f} s (API clients done at {finished['API']:.1f} s, "
        f"e-mails at {finished['e-mails']:.1f} s); waiting for the queues to drain",
        flush=True,
    )

    drain_started = time.monotonic()
    drained_at: float | None = None
    quiet = 0
    while time.monotonic() - drain_started < 600:
        depths = queue_depths(stack)
        busy = {name: depth for name, depth in depths.items() if depth and "dlq" not in name.lower()}
        quiet = 0 if busy else quiet + 1
        if int(time.monotonic() - drain_started) % 15 == 0:
            print(f"  {time.monotonic() - drain_started:4.0f} s: {busy or 'empty'}", flush=True)
        if quiet >= 3:  # three empty looks a second apart: nothing left in flight
            drained_at = time.monotonic() - 2.0
            break
        time.sleep(1.0)
    drain_seconds = (drained_at or time.monotonic()) - drain_started
    dead_letters = {n: d for n, d in queue_depths(stack).items() if d and "dlq" in n.lower()}
    time.sleep(1.0)  # the outbox writer flushes every 0.2 s

    tickets = table_tickets(stack)
    by_subject: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in tickets:
        by_subject[item.get("subject", "")].append(item)
    acks = acknowledgements(stack.outbox)
    api_lost = [n for n in range(args.tickets) if n not in created]
    api_missing = [n for n in created if len(by_subject[f"Load {run} ticket {n}"]) == 0]
    api_duplicated = [n for n in created if len(by_subject[f"Load {run} ticket {n}"]) > 1]
    mail_tickets = {n: by_subject[f"Load {run} mail {n}"] for n in range(args.mails)}
    mail_missing = [n for n, found in mail_tickets.items() if not found]
    mail_duplicated = [n for n, found in mail_tickets.items() if len(found) > 1]
    ours = [t["ticket_id"] for t in tickets if str(t.get("subject", "")).startswith(f"Load {run} ")]
    ack_missing = [t for t in ours if acks[t] == 0]
    ack_duplicated = [t for t in ours if acks[t] > 1]
    categorised = [by_subject[f"Load {run} ticket {n}"] for n in created if n % 2 == 0]
    no_step = [found[0]["ticket_id"] for found in categorised if found and not found[0].get("task_token")]
    plans = plans_of(stack, no_step) if no_step else {}
    cpu = {name: used - cpu_at_start.get(name, 0.0) for name, used in stack.cpu_seconds().items()}
    rss, threads = stack.proc_status()
    peak_rss = max([rss] + [s[0] for s in samples])
    peak_threads = max([threads] + [s[1] for s in samples])
    sampling.set()
    stop_seconds = stack.stop()
    log = stack.log.read_text(errors="replace")
    tracebacks = log.count("Traceback (most recent call last)")
    failed_batches = log.count("failed a batch")

    total = len(created) + sent_mails
    print()
    if spread:
        print(
            f"arrivals         one create every {spread / args.tickets:.3f} s over {spread:.0f} s; "
            f"{sum(1 for t in late if t > 0.05)} waited > 50 ms for a free client "
            f"(longest {max(late, default=0.0):.2f} s; their latency counts from when they were due)"
        )
    print(
        f"throughput       {total / send_seconds:.1f} tickets/s sent ({len(created)} API + {sent_mails} e-mail)"
    )
    print(f"{'endpoint':24} {'n':>5} {'fail':>4} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7}")
    for endpoint, values in sorted(clients.latencies.items()):
        print(
            f"{endpoint:24} {len(values):5d} {clients.failures[endpoint]:4d} {percentile(values, 0.5):7.3f} "
            f"{percentile(values, 0.95):7.3f} {percentile(values, 0.99):7.3f}"
        )
    print(
        f"drain            {drain_seconds:.1f} s after the last send"
        + ("" if drained_at else " (NOT drained)")
    )
    print(f"stack processes  RSS {rss} MiB (peak {peak_rss}), threads {threads} (peak {peak_threads})")
    print(
        "CPU seconds      "
        + ", ".join(f"{name} {used:.0f}" for name, used in cpu.items())
        + f" from the first send to the drain: {sum(cpu.values()) / max(1, total):.3f} s per ticket"
    )
    print(f"stop (SIGTERM)   {stop_seconds:.1f} s")
    print(f"dead letters     {dead_letters or 'none'}")
    print(
        f"verified         API: {len(created)} created, {len(api_lost)} refused/failed, "
        f"{len(api_missing)} missing from the table, {len(api_duplicated)} duplicated"
    )
    print(
        f"                 e-mail: {args.mails - len(mail_missing) - len(mail_duplicated)} became one ticket, "
        f"{len(mail_missing)} became none, {len(mail_duplicated)} became several"
    )
    print(
        f"                 acknowledgements: {len(ours) - len(ack_missing) - len(ack_duplicated)} exactly once, "
        f"{len(ack_missing)} missing, {len(ack_duplicated)} more than once"
    )
    print(
        f"                 categorised: {len(categorised) - len(no_step)} reached their first step, {len(no_step)} not"
        + "".join(f"\n                   {ticket_id}: {plan}" for ticket_id, plan in plans.items())
    )
    print(f"                 stack log: {tracebacks} tracebacks, {failed_batches} failed batches")

    p99_create = percentile(clients.latencies["POST /tickets"], 0.99)
    lost = len(api_lost) + len(api_missing) + len(mail_missing) + len(ack_missing) + len(no_step)
    lost += args.mails - sent_mails
    duplicated = len(api_duplicated) + len(mail_duplicated) + len(ack_duplicated)
    checks = [
        (f"sent in <= {TARGETS['send_seconds']:.0f} s", send_seconds <= TARGETS["send_seconds"]),
        (
            f"drained <= {TARGETS['drain_seconds']:.0f} s later",
            bool(drained_at) and drain_seconds <= TARGETS["drain_seconds"],
        ),
        (f"p99 create <= {TARGETS['p99_create_seconds']:.0f} s", p99_create <= TARGETS["p99_create_seconds"]),
        (f"0 lost ({lost})", lost == 0),
        (f"0 duplicated ({duplicated})", duplicated == 0),
        (f"0 tracebacks ({tracebacks})", tracebacks == 0),
    ]
    print()
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    if args.keep:
        print(f"\nstack folder kept: {folder}")
    else:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
