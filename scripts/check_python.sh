#!/usr/bin/env bash
# Rasa 3.6 runs on Python 3.8-3.10 only; the repo's .python-version selects 3.10 through pyenv.
set -euo pipefail
version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [[ "$version" != "3.10" ]]; then
  echo "Python 3.10 is required (python3 here is $version). With pyenv: pyenv install 3.10 (the repo's .python-version selects it)." >&2
  exit 1
fi
