"""StrataQC as a package inside someone else's dbt project.

A tiny host project installs the repository with `packages: - local: <repo>`,
calls the tests as `strataqc.<test>`, and must get only the macros: none of
the demo's models, seeds, sources or singular tests in its build.
"""

from __future__ import annotations

import json
import os
import subprocess

import duckdb
import pytest

from host_project import DBT, host_project

HOST_YML = """
version: 2
models:
  - name: shop_orders
    data_tests:
      - strataqc.unique_key:
          arguments: {columns: [order_id]}
      - strataqc.row_count_between:
          arguments: {min_rows: 1, max_rows: 100}
      - strataqc.date_continuity:
          arguments: {date_column: order_day}
      - strataqc.column_checks:
          arguments:
            columns:
              order_id: {not_null: {}, unique: {}}
              amount: {value_range: {min_value: 0}, abnormal_value_ratio: {}}
              city: {special_characters: {}, accepted_values_ratio: {values: [Zürich, 東京]}}
      - strataqc.unique_key:
          name: host_duplicate_city
          arguments: {columns: [city]}
          config: {severity: warn}
    columns:
      - name: amount
        data_tests:
          - strataqc.value_range:
              arguments: {min_value: 0, max_value: 100}
      - name: city
        data_tests:
          - strataqc.accepted_values_ratio:
              arguments: {values: [Zürich], max_ratio: 0.5}
"""

HOST_MODEL = """
select 1 as order_id, cast('2024-03-01' as date) as order_day, 10.0 as amount, 'Zürich' as city
union all select 2, cast('2024-03-02' as date), 20.0, '東京'
union all select 3, cast('2024-03-03' as date), 30.0, 'Zürich'
"""


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    root = tmp_path_factory.mktemp("host_project")
    (root / "models").mkdir()
    (root / "models" / "shop_orders.sql").write_text(HOST_MODEL, encoding="utf-8")
    (root / "models" / "_models.yml").write_text(HOST_YML, encoding="utf-8")
    dbt = host_project(root, "packages-install-path: dbt_packages\n")

    deps = dbt("deps")
    assert deps.returncode == 0, deps.stdout + deps.stderr
    build = dbt("build", "--target-path", str(root / "target"))
    run_results = json.loads((root / "target" / "run_results.json").read_text())
    manifest = json.loads((root / "target" / "manifest.json").read_text())
    return root, build, run_results, manifest, dbt


def test_host_build_runs_the_package_tests(host):
    _, build, run_results, manifest, _ = host
    assert build.returncode == 0, build.stdout[-3000:]
    statuses = {manifest["nodes"][r["unique_id"]]["name"]: r["status"] for r in run_results["results"]}
    tests = {n: s for n, s in statuses.items() if n != "shop_orders"}
    assert len(tests) == 7
    # every test macro resolved from the package, and each judged the host model
    assert statuses.pop("host_duplicate_city") == "warn"
    assert set(statuses.values()) == {"pass", "success"}, statuses
    macros = {n["test_metadata"]["namespace"] for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    assert macros == {"strataqc"}


def test_demo_parts_do_not_leak_into_the_host(host):
    root, _, run_results, manifest, _ = host
    leaked = [uid for section in ("nodes", "sources", "exposures")
              for uid, node in manifest.get(section, {}).items() if node.get("package_name") == "strataqc"]
    assert leaked == []
    assert {r["unique_id"].split(".")[1] for r in run_results["results"]} == {"host_shop"}
    with duckdb.connect(str(root / "host.duckdb"), read_only=True) as con:
        schemas = {s for (s,) in con.sql("select distinct table_schema from information_schema.tables").fetchall()}
    assert schemas == {"main"}, schemas   # no ods/dwd/dws/ads/ref schema built


def test_host_can_opt_into_the_demo(host, tmp_path):
    """A host that wants the demo enables the package's folders in its own dbt_project.yml
    (dbt renders a package's dbt_project.yml without the host's vars)."""
    import shutil

    root, *_ = host
    opted = tmp_path / "opted"
    shutil.copytree(root, opted, symlinks=True, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb*"))
    with (opted / "dbt_project.yml").open("a", encoding="utf-8") as f:
        f.write("".join(f"{kind}:\n  strataqc:\n    +enabled: true\n"
                        for kind in ("models", "seeds", "sources", "data_tests")))
    env = {**os.environ, "DBT_PROFILES_DIR": str(opted), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    listed = subprocess.run([DBT, "ls", "--resource-type", "model", "--output", "name", "--quiet",
                             "--target-path", str(opted / "target"), "--log-path", str(opted / "logs")],
                            cwd=opted, env=env, capture_output=True, text=True, timeout=300)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    names = set(listed.stdout.split())
    assert "shop_orders" in names and any(n.startswith("ods_") for n in names), names
