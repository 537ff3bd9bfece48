"""Cold start of the API function, as whole processes (median of several runs).

The floor is what any Python Lambda that talks to DynamoDB pays: import boto3 and build one
client. The goal (issue 2): importing the API handler module costs at most 1.25x the floor.
The first request then pays for what it uses; that figure is reported too, so the deferral
is visible rather than hidden.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUNS = 9

FLOOR = "import boto3; boto3.client('dynamodb', region_name='us-east-1')"
HANDLER = "import functions.api.app"
# What the first create-ticket request imports before it can do any work.
FIRST_REQUEST = (
    "import functions.api.app, complaintdesk.webapi, complaintdesk.services.intake, complaintdesk.auth, "
    "complaintdesk.store.repository, complaintdesk.observability as o; o.logger(); o.metrics(); "
    "import boto3; boto3.client('dynamodb', region_name='us-east-1')"
)


def median_seconds(code: str) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    baseline = median_seconds("pass")
    floor = median_seconds(FLOOR)
    handler = median_seconds(HANDLER)
    first = median_seconds(FIRST_REQUEST)
    print(f"python startup alone          {baseline * 1000:7.0f} ms")
    print(f"floor (boto3 + one client)     {floor * 1000:7.0f} ms")
    print(
        f"API handler module import      {handler * 1000:7.0f} ms   ratio {handler / floor:.2f}x (goal <= 1.25x)"
    )
    print(f"handler + first-request imports {first * 1000:6.0f} ms   ratio {first / floor:.2f}x (reported)")
    if handler > 1.25 * floor:
        raise SystemExit("cold start goal missed")


if __name__ == "__main__":
    main()
