"""Case 6: what write–audit–publish costs an incremental night.

A host project (StrataQC installed as a package) with two incremental models over the same source:
`orders_plain` (delete+insert) and `orders_audited` (strataqc_wap, same unique_key and the same two
tests as audits). The source holds `--rows` published rows; each repetition rebuilds both in full,
lands one more day (`--slice` rows) and runs both incrementally in one `dbt run` (one thread). The
work is dbt's own execution_time of each model node; the ratio is audited / plain, same run.
Prints one `BENCH {json}` line (bench/harness.py keeps it as the row's phases).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).parent / "dbt")

MODEL = """{{{{ config(materialized='incremental', incremental_strategy='{strategy}', unique_key='id') }}}}
select id, day, store_id, amount from {{{{ source('bench', 'orders') }}}}
{{% if is_incremental() %}}where day > (select max(day) from {{{{ this }}}}){{% endif %}}
"""
TESTS = """version: 2
sources:
  - name: bench
    schema: bench
    tables: [{name: orders}]
models:
""" + "".join(f"""  - name: {m}
    data_tests:
      - strataqc.unique_key: {{arguments: {{columns: [id]}}}}
    columns:
      - name: amount
        data_tests:
          - strataqc.value_range: {{arguments: {{min_value: 0}}}}
""" for m in ("orders_plain", "orders_audited"))


def make_project(wd: Path) -> Path:
    project = wd / "project"
    (project / "models").mkdir(parents=True)
    (project / "macros").mkdir()
    (project / "dbt_packages").mkdir()
    (project / "dbt_packages" / "strataqc").symlink_to(ROOT, target_is_directory=True)
    (project / "dbt_project.yml").write_text("name: wap_bench\nversion: '0.1.0'\nconfig-version: 2\n"
                                             "profile: wap_bench\nmodel-paths: [models]\nmacro-paths: [macros]\n")
    (project / "profiles.yml").write_text(f"wap_bench:\n  target: duckdb\n  outputs:\n    duckdb:\n"
                                          f"      type: duckdb\n      path: {wd / 'wap.duckdb'}\n      threads: 1\n")
    (project / "macros" / "wap.sql").write_text(
        "{% macro get_incremental_strataqc_wap_sql(arg_dict) %}"
        "{{ return(strataqc.get_incremental_strataqc_wap_sql(arg_dict)) }}{% endmacro %}\n")
    (project / "models" / "orders_plain.sql").write_text(MODEL.format(strategy="delete+insert"))
    (project / "models" / "orders_audited.sql").write_text(MODEL.format(strategy="strataqc_wap"))
    (project / "models" / "_models.yml").write_text(TESTS)
    return project


def land(db: Path, rows: int, slice_rows: int, with_slice: bool) -> None:
    days = 100
    per_day = rows // days
    with duckdb.connect(str(db)) as con:
        con.execute("create schema if not exists bench")
        con.execute(f"""create or replace table bench.orders as
            select i as id, i // {per_day} as day, i % 97 as store_id, (i % 1000) / 10.0 as amount
            from range({per_day * days}) t(i)""")
        if with_slice:
            con.execute(f"""insert into bench.orders
                select {per_day * days} + i, {days}, i % 97, (i % 1000) / 10.0 from range({slice_rows}) t(i)""")


def dbt(project: Path, *args: str) -> dict[str, float]:
    target = project / "target"
    done = subprocess.run([DBT, *args, "--profiles-dir", str(project), "--target-path", str(target)],
                          cwd=project, capture_output=True, text=True,
                          env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    if done.returncode != 0:
        raise SystemExit(f"dbt {' '.join(args)} failed:\n{done.stdout[-3000:]}")
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--slice", dest="slice_rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    args.workdir = args.workdir.resolve()
    if args.workdir.exists():
        shutil.rmtree(args.workdir)
    project = make_project(args.workdir)
    db = args.workdir / "wap.duckdb"
    runs: dict[str, list[float]] = {"orders_plain": [], "orders_audited": []}
    for _ in range(args.repeat):
        land(db, args.rows, args.slice_rows, with_slice=False)
        dbt(project, "run", "--full-refresh")
        land(db, args.rows, args.slice_rows, with_slice=True)
        timed = dbt(project, "run")
        for model in runs:
            runs[model].append(round(timed[model], 3))
    tests = dbt(project, "test", "--select", "orders_plain")
    plain, audited = (statistics.median(runs[m]) for m in ("orders_plain", "orders_audited"))
    print("BENCH " + json.dumps({
        "published_rows": args.rows, "slice_rows": args.slice_rows, "repeat": args.repeat,
        "incremental_model_s": runs, "median_plain_s": plain, "median_audited_s": audited,
        "ratio_audited_to_plain": round(audited / plain, 2),
        "same_tests_after_the_model_s": round(sum(tests.values()), 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
