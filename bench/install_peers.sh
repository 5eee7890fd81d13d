#!/usr/bin/env bash
# Installs the tools StrataQC is compared with, each in its own venv under
# bench/.venvs/ (never into the product's environment): their pins conflict
# with ours (pandas 3, numpy 2, scikit-learn 1.9) and with each other.
# Idempotent: a stamp per venv records the pins it was built from.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venvs="$here/.venvs"
python="${PYTHON:-python3}"
mkdir -p "$venvs"

# name|pins (space separated). evidently 0.7 needs pandas < 3;
# deepchecks 0.19 needs scikit-learn < 1.6 and numpy < 2 (and pkg_resources).
peers=(
  "evidently|evidently==0.7.* pandas<3 pyarrow psutil"
  "deepchecks|deepchecks==0.19.* scikit-learn<1.6 numpy<2 pandas<2.2 setuptools<81 pyarrow<20 psutil"
)

status=0
for entry in "${peers[@]}"; do
  name="${entry%%|*}"
  pins="${entry#*|}"
  env="$venvs/$name"
  stamp="$env/.installed"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$pins" ]]; then
    echo "peer $name: ready ($env)"
    continue
  fi
  echo "peer $name: installing $pins"
  rm -rf "$env"
  "$python" -m venv "$env" || { status=1; continue; }
  # shellcheck disable=SC2086
  if "$env/bin/pip" install -q --disable-pip-version-check $pins > "$env.log" 2>&1; then
    echo "$pins" > "$stamp"
    echo "peer $name: installed"
  else
    # the bench records the peer as skipped with this reason instead of failing
    echo "pip install failed for: $pins" > "$env/.failed"
    grep -v "is ignored" "$env.log" | tail -20 >&2
    echo "peer $name: install FAILED (the bench will record it as skipped)" >&2
    status=1
  fi
done
exit $status
