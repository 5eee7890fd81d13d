"""similar_strings: spellings of one category that differ only in case, spaces or punctuation, or barely."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from strataqc.checks import stats
from strataqc.checks.feature_set.context import Context
from strataqc.checks.feature_set.records import columns_checked, detail_table, record, verdict
from strataqc.results import CheckResult, Status


@dataclass(frozen=True)
class Spellings:
    """Groups of near-duplicate spellings among a column's most frequent values (most rows first)."""

    name: str
    values: int                                         # distinct values looked at
    truncated: bool                                     # the column has more than max_values values
    groups: tuple[tuple[tuple[str, int], ...], ...]     # each group: (value, rows), main spelling first

    @property
    def surplus(self) -> int:
        """Rows not in their group's main spelling."""
        return sum(sum(n for _, n in g[1:]) for g in self.groups)


def measure(ctx: Context, s: stats.ColumnStats, params: dict) -> Spellings:
    """Normalised keys per distinct value in SQL; near-equal keys grouped in Python."""
    max_values = int(params["max_values"])
    frame = stats.value_counts(ctx.wh, ctx.table, s.name, limit=max_values + 1, normalise=True)
    values = [(str(v), int(n), str(k if k is not None else "")) for v, n, k in
              zip(frame["value"], frame["n"], frame["key"])][:max_values]
    groups = spelling_groups(values, float(params["min_similarity"]))
    return Spellings(s.name, len(values), len(frame) > max_values, tuple(tuple(g) for g in groups))


def judge(measured: Spellings, params: dict) -> Status:
    return verdict(len(measured.groups) > int(params.get("max_groups", 0)), params)


def similar_strings(ctx: Context, params: dict) -> list[CheckResult]:
    """Spellings of one category that differ only in case, blanks, punctuation, or barely at all.

    Normalisation (lower, no punctuation or blanks) runs in SQL per distinct
    value; values whose keys collide, or whose keys are nearly equal
    (difflib ratio >= min_similarity, digits aside), are one group.
    """
    max_values = int(params["max_values"])
    max_groups = int(params.get("max_groups", 0))
    texts = [c for c in ctx.spec.categorical if ctx.spec.columns[c] == "categorical"]

    def one(s: stats.ColumnStats) -> CheckResult:
        m = measure(ctx, s, params)
        groups = m.groups
        shown = "; ".join(" / ".join(f"{v!r} ({n:,})" for v, n in g) for g in groups[:5])
        scope = f" among its {max_values} most frequent values" if m.truncated else ""
        message = (f"{s.name}: {len(groups)} group(s) of near-duplicate spellings{scope}: {shown}; "
                   f"standardise them upstream" if groups else
                   f"{s.name}: no near-duplicate spellings among {m.values:,} distinct values{scope}")
        rows = [[i + 1, v, n] for i, g in enumerate(groups) for v, n in g]
        details = {"table": detail_table(f"Near-duplicate spellings of {s.name}", ["group", "value", "rows"], rows)} \
            if groups else {}
        return record(ctx.spec, "similar_strings", judge(m, params), s.name, observed=len(groups),
                       threshold=max_groups, failures=m.surplus, message=message, details=details)
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
