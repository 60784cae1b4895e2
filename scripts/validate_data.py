"""Run `rasa data validate` and fail on any warning that is not explained.

Every warning Rasa prints must match an entry of tests/validation_allowlist.yml, which says why
it is expected. A new, unexplained warning fails `make test`.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST = ROOT / "tests" / "validation_allowlist.yml"
WARNING = re.compile(r"UserWarning: (.*?)(?:\n\s*More info at .*)?$", re.MULTILINE)


def main() -> int:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", NO_COLOR="1")
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "rasa"), "data", "validate", "--max-history", "4"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    allowed = yaml.safe_load(ALLOWLIST.read_text(encoding="utf-8"))["expected_warnings"]
    unexplained = []
    for warning in WARNING.findall(output):
        reasons = [entry["reason"] for entry in allowed if re.search(entry["pattern"], warning)]
        print(f"  {'explained' if reasons else 'UNEXPLAINED'}: {warning}")
        if not reasons:
            unexplained.append(warning)
    if result.returncode != 0:
        print(output[-3000:])
        print(f"rasa data validate failed (exit {result.returncode})")
        return 1
    if unexplained:
        print(f"{len(unexplained)} unexplained warning(s): explain them in {ALLOWLIST.name} or fix the data")
        return 1
    print("rasa data validate: clean (every warning explained in tests/validation_allowlist.yml)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
