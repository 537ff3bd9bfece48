"""State transitions per ticket and their price, from real moto executions of a 3-step plan.

Run from the repository root (``make bench``, or
``PYTHONPATH=.:layers/complaintdesk/python .venv/bin/python -m tests.bench.bench_workflow_cost``).
Prints the transitions of a ticket that goes through without escalation and of one whose second
step escalates twice, and what they cost at the Step Functions Standard list price.
"""

from __future__ import annotations

import os

GOAL_NO_ESCALATION = 25
TICKETS_PER_MONTH = 10_000


def main() -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        os.environ.setdefault(name, value)
    from moto import mock_aws

    from tests.integration.workflow.driver import MOTO_CONFIG, PRICE_PER_TRANSITION, WorkflowDriver
    from tests.integration.workflow.plans import three_step

    with mock_aws(config=MOTO_CONFIG):
        driver = WorkflowDriver()
        plan = driver.publish(three_step(), version=1)

        calm = driver.start("C-2026-900001", plan)
        for _ in range(3):
            driver.complete(calm, driver.next_task(calm))
        driver.resolve(calm, driver.next_task(calm))
        driver.wait_finished(calm)

        stormy = driver.start("C-2026-900002", plan)
        driver.complete(stormy, driver.next_task(stormy))
        driver.next_task(stormy)  # step 2 at level 0 … times out
        driver.next_task(stormy)  # … after L1 … times out
        driver.complete(stormy, driver.next_task(stormy))  # completed after L2
        driver.complete(stormy, driver.next_task(stormy))
        driver.resolve(stormy, driver.next_task(stormy))
        driver.wait_finished(stormy)

        rows = [("no escalation", driver.transitions(calm)), ("two escalations", driver.transitions(stormy))]

    print("Step Functions Standard, us-east-1 list price $0.025 per 1,000 state transitions")
    print(
        f"{'path (3-step plan, resolve → survey → auto-close)':<52} {'transitions':>11} {'$/ticket':>10} "
        f"{'$/' + format(TICKETS_PER_MONTH, ',') + ' tickets':>17}"
    )
    for label, transitions in rows:
        per_ticket = transitions * PRICE_PER_TRANSITION
        print(f"{label:<52} {transitions:>11} {per_ticket:>10.6f} {per_ticket * TICKETS_PER_MONTH:>17.2f}")
    verdict = "met" if rows[0][1] <= GOAL_NO_ESCALATION else "MISSED"
    print(f"goal: ≤ {GOAL_NO_ESCALATION} transitions without escalation — {verdict}")


if __name__ == "__main__":
    main()
