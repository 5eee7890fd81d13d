"""A tiny host dbt project (`host_shop`) that installs this repository as a local package, on its own DuckDB file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).parent / "dbt")


def host_project(root: Path, project_yml: str = "") -> Callable[..., subprocess.CompletedProcess]:
    """Write dbt_project.yml (plus the `project_yml` lines), packages.yml and profiles.yml under `root`
    (its models/ are the caller's); returns `dbt(*args)`, which runs dbt there and never raises."""
    (root / "dbt_project.yml").write_text(
        "name: host_shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: host_shop\n" + project_yml, encoding="utf-8")
    (root / "packages.yml").write_text(f"packages:\n  - local: {REPO}\n", encoding="utf-8")
    (root / "profiles.yml").write_text(
        "host_shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {root / 'host.duckdb'}\n      threads: 1\n", encoding="utf-8")
    env = {**os.environ, "DBT_PROFILES_DIR": str(root), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    # the host's profile names its own file: the demo's path must not override it
    env.pop("STRATAQC_DUCKDB_PATH", None)

    def dbt(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([DBT, *args, "--log-path", str(root / "logs")], cwd=root, env=env,
                              capture_output=True, text=True, timeout=300)

    return dbt
