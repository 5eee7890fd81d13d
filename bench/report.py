"""Ratios against the targets, and the table printed and written beside the JSON."""

from __future__ import annotations

from typing import Any, Iterable

GIB = 2**30
TARGET_ROWS = 10_000_000
BIG_TASK_SUFFIX = "(ADS table repeated)"  # case 2 at 20M rows: StrataQC alone

# the phase that is the work itself (no interpreter start, no imports, no parse)
INNER = ("query_s", "checks_s", "report_s", "sum_test_s", "work_s")


def inner_s(row: dict[str, Any]) -> float | None:
    for key in INNER:
        if row.get("phases", {}).get(key) is not None:
            return row["phases"][key]
    return None


def _find(rows: Iterable[dict[str, Any]], case: str, tool: str, task_start: str, n: int | None = None,
          engine: str = "duckdb") -> dict[str, Any] | None:
    for r in rows:
        if (r["case"] == case and r["tool"] == tool and r["task"].startswith(task_start) and r["engine"] == engine
                and (n is None or r["rows"] == n) and r["status"] == "ok"):
            return r
    return None


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 2)


def _target(name: str, value: float | None, goal: str, met: bool | None, note: str = "") -> dict[str, Any]:
    return {"target": name, "value": value, "goal": goal,
            "met": None if value is None else met, "note": note}


def _sizes(rows: list[dict[str, Any]], case: str) -> list[int]:
    return sorted({r["rows"] for r in rows if r["case"] == case and r["rows"] and r["status"] == "ok"})


def ratios_and_targets(raw_rows: list[Any], sizes: list[int]) -> list[dict[str, Any]]:
    rows = [r.as_json() if hasattr(r, "as_json") else r for r in raw_rows]
    out: list[dict[str, Any]] = []

    # case 1, per engine
    for engine, per_test_goal in (("duckdb", 3.0), ("postgres", 10.0)):
        c1 = sorted({r["rows"] for r in rows if r["case"] == "1" and r["engine"] == engine and r["status"] == "ok"
                     and r["rows"]})
        if not c1:
            continue
        n = c1[-1]
        limit = _find(rows, "1", engine, "hand-written", n, engine)  # the engine itself is the "tool"
        direct = _find(rows, "1", "strataqc", "column_checks compiled", n, engine)
        single = _find(rows, "1", "strataqc", "dbt test: column_checks", n, engine)
        per_test = _find(rows, "1", "dbt + strataqc", "dbt test: one test per rule", n, engine)
        lim = inner_s(limit) if limit else None
        r1 = _ratio(inner_s(direct) if direct else None, lim)
        out.append(_target(f"case 1 ({engine}, {n:,} rows): column_checks query / hand-written aggregate", r1,
                           "<= 1.5", r1 is not None and r1 <= 1.5,
                           "same process harness, query time alone"))
        r1b = _ratio(single["phases"].get("sum_test_s") if single else None, lim)
        out.append(_target(f"case 1 ({engine}, {n:,} rows): column_checks inside dbt (run_results) / hand-written",
                           r1b, "<= 1.5", r1b is not None and r1b <= 1.5, "dbt's own execution_time of the test"))
        r2 = _ratio(per_test["wall_s"] if per_test else None, single["wall_s"] if single else None)
        out.append(_target(f"case 1 ({engine}, {n:,} rows): one-test-per-rule dbt wall / column_checks dbt wall", r2,
                           f">= {per_test_goal:g}", r2 is not None and r2 >= per_test_goal,
                           "whole `dbt test` processes, parse included"))
        r2b = _ratio(per_test["phases"].get("sum_test_s") if per_test else None,
                     single["phases"].get("sum_test_s") if single else None)
        out.append(_target(f"case 1 ({engine}, {n:,} rows): one-test-per-rule query time / column_checks query time",
                           r2b, f">= {per_test_goal:g}", r2b is not None and r2b >= per_test_goal,
                           "sum of dbt's execution_time per test"))

    # case 2: judged at the largest size both tools measured; a peer stopped at its time cap counts
    # with the cap as its time (the ratio is then a lower bound)
    ours_all = [r for r in rows if r["case"] == "2" and r["tool"] == "strataqc" and r["status"] == "ok"
                and r["task"].startswith("check_relation") and not r["task"].endswith(BIG_TASK_SUFFIX)]
    big_all = [r for r in rows if r["case"] == "2" and r["tool"] == "strataqc" and r["status"] == "ok"
               and r["task"].endswith(BIG_TASK_SUFFIX)]
    for peer in ("evidently", "deepchecks"):
        measured = {r["rows"]: r for r in rows if r["case"] == "2" and r["tool"] == peer
                    and r["status"] in ("ok", "timeout") and r["wall_s"]}
        pairs = [(r, measured[r["rows"]]) for r in ours_all if r["rows"] in measured]
        if not pairs:
            continue
        ours, theirs = max(pairs, key=lambda pair: pair[0]["rows"])
        r = _ratio(theirs["wall_s"], ours["wall_s"])
        bound = theirs["status"] == "timeout"
        goal = ">= 20" if peer == "evidently" else "(for contrast)"
        out.append(_target(f"case 2 ({ours['rows']:,} ADS rows): {peer} wall / StrataQC wall", r, goal,
                           (r is not None and r >= 20) if peer == "evidently" else None,
                           (f"{peer} stopped at its {theirs['wall_s']:.0f} s cap: a lower bound; " if bound else "")
                           + "whole processes: load + checks"))
        rss = _ratio(theirs["peak_rss_bytes"], ours["peak_rss_bytes"])
        out.append(_target(f"case 2 ({ours['rows']:,} ADS rows): {peer} peak RSS / StrataQC peak RSS", rss,
                           "(for contrast)", None))
    if ours_all:
        top = max(ours_all, key=lambda r: r["peak_rss_bytes"])
        top_gib = round(top["peak_rss_bytes"] / GIB, 3)
        out.append(_target(f"case 2: StrataQC peak RSS up to {max(r['rows'] for r in ours_all):,} ADS rows (GiB)",
                           top_gib, "< 1", top_gib < 1))
        small, big = min(ours_all, key=lambda r: r["rows"]), max(ours_all, key=lambda r: r["rows"])
        if big["rows"] > small["rows"]:
            growth = _ratio(big["peak_rss_bytes"], small["peak_rss_bytes"])
            out.append(_target(f"case 2: StrataQC RSS growth {small['rows']:,} -> {big['rows']:,} rows", growth,
                               "~1 (flat)", growth is not None and growth < 1.5,
                               f"rows grew {big['rows'] / max(small['rows'], 1):.1f}x"))
    for r in big_all:
        g = round(r["peak_rss_bytes"] / GIB, 3)
        out.append(_target(f"case 2: StrataQC peak RSS at {r['rows']:,} ADS rows (GiB)", g, "< 2", g < 2,
                           f"{r['wall_s']:.0f} s wall"))
    ev_all = [r for r in rows if r["case"] == "2" and r["tool"] == "evidently" and r["status"] == "ok"]
    if len(ev_all) > 1:
        small, big = min(ev_all, key=lambda r: r["rows"]), max(ev_all, key=lambda r: r["rows"])
        out.append(_target(f"case 2: evidently RSS growth {small['rows']:,} -> {big['rows']:,} rows",
                           _ratio(big["peak_rss_bytes"], small["peak_rss_bytes"]), "(grows, for contrast)", None))

    # case 3
    for n in _sizes(rows, "3"):
        full = _find(rows, "3", "strataqc", "night: full", n)
        inc = _find(rows, "3", "strataqc", "night: incremental", n)
        r = _ratio(full["wall_s"] if full else None, inc["wall_s"] if inc else None)
        goal = 20 if n >= 30_000_000 else 10  # the goals: 10x at 10M landing rows, 20x at 30M
        out.append(_target(f"case 3 ({n:,} landing rows): full-refresh night / incremental night", r, f">= {goal}",
                           r is not None and r >= goal))
        check = _find(rows, "3", "strataqc", "full check of the same data", n)
        if inc and check and inc["phases"].get("dbt_tests_s"):
            t = _ratio(check["phases"].get("dbt_tests_s"), inc["phases"]["dbt_tests_s"])
            out.append(_target(f"case 3 ({n:,} landing rows): test seconds, whole tables / scoped to the night's rows",
                               t, "(for contrast)", None))
        for r in rows:
            verdicts = r["phases"].get("verdicts") if r["case"] == "3" and r["rows"] == n else None
            if verdicts:
                missed = len(verdicts["unexplained"])
                out.append(_target(f"case 3 ({n:,} landing rows): {r['task'].removeprefix('night: ')}: verdicts unlike "
                                   f"a full check's, unexplained (of {verdicts['tests']} tests)", missed, "0", missed == 0,
                                   f"{len(verdicts['older_defects'])} differ on defects in older rows"))
            python = r["phases"].get("python_verdicts") if r["case"] == "3" and r["rows"] == n else None
            if python:
                missed = len(python["unexplained"])
                out.append(_target(f"case 3 ({n:,} landing rows): {r['task'].removeprefix('night: ')}: Python-check "
                                   f"verdicts (stored profiles) unlike a table read's (of {python['python_checks']})",
                                   missed, "0", missed == 0,
                                   f"{len(python['observed_differs'])} same verdict, observed value differs "
                                   f"(kept bin edges)"))
        if n >= 30_000_000:
            for r in (x for x in (full, inc) if x):
                g = round(r["peak_rss_bytes"] / GIB, 3)
                out.append(_target(f"case 3 ({n:,} landing rows): {r['task']} peak RSS (GiB)", g, "<= 2", g <= 2))

    # case 4
    rep = _find(rows, "4", "strataqc", "qc-report")
    if rep:
        ph = rep["phases"]
        out.append(_target("case 4: store + trends + render HTML, 500 checks x 90 nights (s)", ph.get("report_s"),
                           "< 2", ph.get("report_s") is not None and ph["report_s"] < 2))
        mb = round(ph["html_bytes"] / 1e6, 2) if ph.get("html_bytes") is not None else None
        out.append(_target("case 4: HTML size (MB)", mb, "< 3", mb is not None and mb < 3))

    # case 5: detection quality over simulated nights (DESIGN §7)
    sim = _find(rows, "5", "strataqc", "qc-report simulate")
    if sim and sim["phases"].get("detection"):
        d = sim["phases"]["detection"]
        share = d.get("share_alerted_same_night")
        out.append(_target(f"case 5: incidents alerted the night they land ({d['alerted_same_night']} of "
                           f"{d['incidents']})", share, ">= 0.95", share is not None and share >= 0.95,
                           f"in exactly one message: {d['in_exactly_one_message']}"))
        out.append(_target(f"case 5: quiet nights with a message (of {d['quiet_nights']})",
                           d["quiet_nights_with_message"], "<= 1", d["quiet_nights_with_message"] <= 1))
        out.append(_target("case 5: items repeated within the reminder interval", d["items_repeated"], "0",
                           d["items_repeated"] == 0))
        out.append(_target("case 5: messages per incident", d["messages_per_incident"], "1",
                           d["messages_per_incident"] == 1))

    # case 7: one night's kept-forecast work must not grow with the nights kept (flat memory)
    nights6 = [r for r in rows if r["case"] == "7" and r["status"] == "ok" and r["task"].startswith("one night")]
    if len(nights6) >= 2:
        first, last = nights6[0], nights6[-1]
        label = f"{first['task'].split(', ')[-1]} -> {last['task'].split(', ')[-1]}"
        rss = _ratio(last["peak_rss_bytes"], first["peak_rss_bytes"])
        out.append(_target(f"case 7: one night's peak RSS, {label}", rss, "<= 1.25", rss is not None and rss <= 1.25,
                           "same harness, same run"))
        work = _ratio(last["phases"].get("work_s"), first["phases"].get("work_s"))
        out.append(_target(f"case 7: one night's work time, {label}", work, "<= 2", work is not None and work <= 2,
                           "keep + measure + judge + drift, timed in the process"))
    return out


def _fmt_rows(n: int | None) -> str:
    if not n:
        return "-"
    return f"{n / 1e6:.1f}M" if n >= 1_000_000 else f"{n:,}"


def _cells(r: dict[str, Any]) -> list[str]:
    inner = inner_s(r)
    wall = "" if r["wall_s"] is None else f"{r['wall_s']:.2f}"
    rss = "" if r["peak_rss_bytes"] is None else f"{r['peak_rss_bytes'] / GIB:.2f}"
    note = r["status"] if r["status"] != "ok" else ""
    if r["reason"]:
        note = f"{note}: {r['reason']}" if note else r["reason"]
    return [r["case"], r["tool"], r["task"], _fmt_rows(r["rows"]), r["engine"], wall,
            "" if inner is None else f"{inner:.3f}", rss, note[:90]]


HEADER = ["case", "tool", "task", "rows", "engine", "wall s", "work s", "peak RSS GiB", "note"]


def render_table(doc: dict[str, Any]) -> str:
    body = [_cells(r) for r in doc["results"]]
    widths = [max(len(str(x)) for x in col) for col in zip(HEADER, *body)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    out = [line(HEADER), line(["-" * w for w in widths]), *[line(c) for c in body], "", "targets:"]
    for t in doc["targets"]:
        mark = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
        out.append(f"  [{mark}] {t['target']}: {t['value']} (goal {t['goal']})" + (f" — {t['note']}" if t["note"] else ""))
    return "\n".join(out)


def render_markdown(doc: dict[str, Any]) -> str:
    m = doc["machine"]
    out = [f"Measured {doc['started_at']} on {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
           f"commit {doc['versions'].get('strataqc_commit')}. `work s` is the work alone (query, checks or "
           "render) as timed inside the process; `wall s` and peak RSS are the whole process tree.", "",
           "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for r in doc["results"]:
        out.append("| " + " | ".join(c.replace("|", "/") for c in _cells(r)) + " |")
    out += ["", "| target | value | goal | met |", "|---|---|---|---|"]
    for t in doc["targets"]:
        mark = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
        out.append(f"| {t['target']} | {t['value']} | {t['goal']} | {mark} |")
    return "\n".join(out) + "\n"
