"""similar_strings: spellings of one category that differ only in case, spaces or punctuation, or barely."""

from __future__ import annotations

import difflib
import re

from strataqc.checks import stats
from strataqc.checks.feature_set.context import Context
from strataqc.checks.feature_set.records import columns_checked, detail_table, record, verdict
from strataqc.results import CheckResult


def similar_strings(ctx: Context, params: dict) -> list[CheckResult]:
    """Spellings of one category that differ only in case, blanks, punctuation, or barely at all.

    Normalisation (lower, no punctuation or blanks) runs in SQL per distinct
    value; values whose keys collide, or whose keys are nearly equal
    (difflib ratio >= min_similarity, digits aside), are one group.
    """
    max_values = int(params["max_values"])
    min_similarity = float(params["min_similarity"])
    max_groups = int(params.get("max_groups", 0))
    texts = [c for c in ctx.spec.categorical if ctx.spec.columns[c] == "categorical"]

    def one(s: stats.ColumnStats) -> CheckResult:
        frame = stats.value_counts(ctx.wh, ctx.table, s.name, limit=max_values + 1, normalise=True)
        truncated = len(frame) > max_values
        values = [(str(v), int(n), str(k if k is not None else "")) for v, n, k in
                  zip(frame["value"], frame["n"], frame["key"])][:max_values]
        groups = spelling_groups(values, min_similarity)
        surplus = sum(sum(n for _, n in g[1:]) for g in groups)  # rows not in each group's main spelling
        bad = len(groups) > max_groups
        shown = "; ".join(" / ".join(f"{v!r} ({n:,})" for v, n in g) for g in groups[:5])
        scope = f" among its {max_values} most frequent values" if truncated else ""
        message = (f"{s.name}: {len(groups)} group(s) of near-duplicate spellings{scope}: {shown}; "
                   f"standardise them upstream" if groups else
                   f"{s.name}: no near-duplicate spellings among {len(values):,} distinct values{scope}")
        rows = [[i + 1, v, n] for i, g in enumerate(groups) for v, n in g]
        details = {"table": detail_table(f"Near-duplicate spellings of {s.name}", ["group", "value", "rows"], rows)} \
            if groups else {}
        return record(ctx.spec, "similar_strings", verdict(bad, params), s.name, observed=len(groups),
                       threshold=max_groups, failures=surplus, message=message, details=details)
    return columns_checked(ctx, texts, "similar_strings", params, one)


def spelling_groups(values: list[tuple[str, int, str]], min_similarity: float) -> list[list[tuple[str, int]]]:
    """Groups (most frequent spelling first) of values whose normalised keys are equal or nearly equal.

    `values` holds (value, rows, normalised key). Keys differing only in digits
    ('store 1' / 'store 2') are codes, not misspellings.
    """
    parent = list(range(len(values)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_key: dict[str, int] = {}
    for i, (value, _, key) in enumerate(values):
        key = key or value.strip().lower()  # a value of punctuation only keeps its own key
        if key in by_key:
            parent[root(i)] = root(by_key[key])
        else:
            by_key[key] = i
    keys = list(by_key)
    for a_index, a in enumerate(keys):
        matcher = difflib.SequenceMatcher(None, a, autojunk=False)
        for b in keys[a_index + 1:]:
            if re.sub(r"\d", "", a) == re.sub(r"\d", "", b):
                continue
            matcher.set_seq2(b)
            if (matcher.real_quick_ratio() >= min_similarity and matcher.quick_ratio() >= min_similarity
                    and matcher.ratio() >= min_similarity):
                parent[root(by_key[b])] = root(by_key[a])
    members: dict[int, list[tuple[str, int]]] = {}
    for i, (value, n, _) in enumerate(values):
        members.setdefault(root(i), []).append((value, n))
    groups = [sorted(g, key=lambda item: (-item[1], item[0])) for g in members.values() if len(g) > 1]
    return sorted(groups, key=lambda g: -sum(n for _, n in g))
