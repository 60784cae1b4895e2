"""python -m insights report|review: the maintainers' insights report and review inbox (issue 15).

    python -m insights report [--days 30 | --since DATE [--until DATE]] [--endpoints FILE | --db URL] [--out DIR]
    python -m insights review [same period and store options] [--data data/nlu/review.yml] [--state FILE]

The store is the tracker_store of the endpoints file (default endpoints.yml, ${...} filled from the environment;
TRACKER_DB defaults to build/conversations.db as for `make run`), or --db URL. Periods must lie inside the
retention window, RETENTION_DAYS (default 30, as `make forget-old`). Exit codes: 0 done, 2 a usage, period or
store problem.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import List, Optional

from insights import review
from insights.aggregate import DEFAULT_LOW_CONFIDENCE
from insights.period import PeriodError, choose, retention_days
from insights.report import DEFAULT_OUT, build, read_turns, write
from insights.store import StoreError, database_url


def _common(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--endpoints", default="endpoints.yml", help="endpoints file with the tracker_store")
    where.add_argument("--db", help="database URL instead, e.g. sqlite:///build/conversations.db")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--days", type=float, help="the last N days (default 30)")
    when.add_argument("--since", help="start date (YYYY-MM-DD, UTC)")
    parser.add_argument("--until", help="end date (YYYY-MM-DD, UTC; default now)")
    parser.add_argument(
        "--low-confidence", type=float, default=DEFAULT_LOW_CONFIDENCE, help="an answer below this is unsure (0.6)"
    )


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m insights", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="write the HTML and JSON report")
    _common(report)
    report.add_argument("--out", default=str(DEFAULT_OUT), help="folder for report.html and report.json")
    inbox = commands.add_parser("review", help="label the missed and unsure questions in the terminal")
    _common(inbox)
    inbox.add_argument("--data", default=str(review.REVIEW_FILE), help="the file examples are appended to")
    inbox.add_argument("--state", default=str(review.STATE_FILE), help="what was reviewed already (outside git)")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("TRACKER_DB", "build/conversations.db")
    try:
        url = database_url(Path(args.endpoints), args.db)
        if args.command == "review":
            window, _, _ = choose(time.time(), retention_days(), days=args.days, since=args.since, until=args.until)
            turns, _ = read_turns(url, window)
            return review.run(turns, args.low_confidence, Path(args.data), Path(args.state))
        numbers = build(
            url, days=args.days, since=args.since, until=args.until, low_confidence_below=args.low_confidence
        )
    except (PeriodError, StoreError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "report":
        started = time.perf_counter()
        paths = write(numbers, Path(args.out))
        conv = numbers["conversations"]
        print(
            f"Insights {numbers['period']['from'][:10]} - {numbers['period']['to'][:10]}: {conv['total']} "
            f"conversations, {conv['messages']} messages (read {numbers['read_seconds']} s, written "
            f"{time.perf_counter() - started:.1f} s)\n  {paths['html']}\n  {paths['json']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
