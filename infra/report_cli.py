"""``complaintdesk report``: the report tables in the terminal, and a PNG chart of the trend.

    complaintdesk report summary --group-by region --from 2026-01-01 --to 2026-03-31
    complaintdesk report trend --metric avg_resolution_hours --interval week --group-by category --chart trend.png
    complaintdesk report sla --from 2026-03-01 --csv

Reads the same aggregate items as ``GET /reports/...``: of a deployed stack (``--stack-name``), of
the table the environment names (``TABLE_NAME``), or else of the running local stack.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO


def register(subparsers: Any) -> None:
    """Add the ``report`` subcommand to the ``complaintdesk`` CLI."""
    parser = subparsers.add_parser("report", help="print report tables, write a trend chart")
    add_arguments(parser)
    parser.set_defaults(func=run)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from complaintdesk.services.reports import COUNTERS, DERIVED, GROUPS, INTERVALS
    from infra.cli import add_aws_arguments

    parser.add_argument("kind", choices=("summary", "trend", "sla"))
    parser.add_argument("--stack-name", help="a deployed stack (default: TABLE_NAME, else the local stack)")
    add_aws_arguments(parser)
    parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: 30 days ago)")
    parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: today)")
    parser.add_argument(
        "--group-by", choices=GROUPS, help="summary default: category; trend default: overall"
    )
    parser.add_argument("--metric", default="opened", choices=COUNTERS + DERIVED)
    parser.add_argument("--interval", default="day", choices=INTERVALS)
    parser.add_argument("--csv", action="store_true", help="print CSV instead of an aligned table")
    parser.add_argument("--chart", type=Path, help="trend only: write a PNG line chart here")


def build(args: argparse.Namespace) -> dict[str, Any]:
    from infra.cli import use_stack

    use_stack(getattr(args, "stack_name", None), args)
    from complaintdesk.services import reports

    if args.kind == "summary":
        return reports.summary(args.group_by or "category", args.start, args.end)
    if args.kind == "trend":
        return reports.trend(args.metric, args.interval, args.group_by, args.start, args.end)
    return reports.sla(args.start, args.end)


def render(report: dict[str, Any]) -> str:
    """An aligned plain-text table (numbers right-aligned, empty cells as "-")."""
    from complaintdesk.services.reports import table

    header, rows = table(report)
    cells = [header] + [["-" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 or n == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def chart(report: dict[str, Any], target: Path) -> Path:
    """A line per series over the periods; missing values (no data) leave gaps."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(10, 5))
    for series in report["series"]:
        values = [float("nan") if v is None else v for v in series["values"]]
        axes.plot(report["periods"], values, marker="o", label=series["key"])
    axes.set_title(f"{report['metric']} per {report['interval']} ({report['from']} to {report['to']})")
    axes.set_ylabel(report["metric"])
    axes.tick_params(axis="x", labelrotation=45)
    if len(report["series"]) > 1:
        axes.legend(title=report["group_by"])
    figure.tight_layout()
    figure.savefig(target, format="png")
    pyplot.close(figure)
    return target


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    from complaintdesk.errors import DomainError
    from complaintdesk.services.reports import to_csv

    try:
        report = build(args)
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    out.write(to_csv(report) if args.csv else render(report) + "\n")
    if args.chart:
        if report["report"] != "trend":
            print("error: --chart draws a trend; use it with 'report trend'", file=sys.stderr)
            return 2
        print(f"chart written to {chart(report, args.chart)}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="complaintdesk report", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
