"""Parse + classify throughput over the ../shared/mail corpus, without AWS (issue 4).

One process, one thread, so the figure is messages per second per core. Each round parses every
message, classifies it and extracts its threading references; the best of several rounds is
reported, with the CPU time of that round. Goal: >= 200 messages/second/core.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from complaintdesk.mail import MailParseError, classify, parse_email, ticket_references

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "mail"
NOT_MESSAGES = {"MANIFEST.tsv", "README.md", "LABELS.tsv"}
ROUNDS = 5
GOAL = 200.0


def load_corpus() -> list[bytes]:
    return [
        path.read_bytes()
        for path in sorted(CORPUS.rglob("*"))
        if path.is_file() and path.name not in NOT_MESSAGES and not path.name.endswith("_reply_text")
    ]


def one_round(messages: list[bytes]) -> tuple[float, float, int]:
    quarantined = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for raw in messages:
        try:
            parsed = parse_email(raw)
        except MailParseError:
            quarantined += 1
            continue
        classify(parsed)
        ticket_references(parsed, secret="bench-secret")
    return time.perf_counter() - wall, time.process_time() - cpu, quarantined


def main() -> int:
    if not CORPUS.is_dir():
        print(f"skipped: corpus not found at ../shared/mail (looked in {CORPUS.name} beside the repo)")
        return 0
    messages = load_corpus()
    megabytes = sum(len(raw) for raw in messages) / 1e6
    one_round(messages)  # warm-up: imports, regex compilation, codec lookups
    wall, cpu, quarantined = min(one_round(messages) for _ in range(ROUNDS))
    rate = len(messages) / wall
    print(
        f"corpus                   {len(messages)} messages, {megabytes:.1f} MB ({quarantined} quarantined)"
    )
    print(
        f"parse + classify         {rate:8.0f} messages/s/core (wall, best of {ROUNDS}; goal >= {GOAL:.0f})"
    )
    print(f"                         {len(messages) / cpu:8.0f} messages/s/core (CPU time of that round)")
    print(f"mean per message         {wall / len(messages) * 1000:8.2f} ms")
    if rate < GOAL:
        print("BELOW GOAL")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
