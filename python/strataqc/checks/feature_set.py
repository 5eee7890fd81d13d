"""Feature-set checks over one ADS table (DESIGN §4), measured in the warehouse.

Each check measures with the SQL of `strataqc.checks.stats` (one profile scan
is shared), then judges against the thresholds of `spec.checks`. Column-level
checks give one record per column, so a report shows the clean columns passing
beside the failing ones; pairwise and table checks give one record each.
An empty table, or a column with nothing but NULLs, fails with "nothing to
check" (0 of 0 is not "clean") unless the check has `allow_empty: true`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlglot import exp

from strataqc.checks import stats
from strataqc.checks.config import CheckSpec, column, reference_filter
from strataqc.checks.runner import run_enabled
from strataqc.json_safe import json_safe
from strataqc.results import CheckResult, CheckType, Status

MAX_TABLE_ROWS = 50
MAX_SAMPLE_ROWS = 20


@dataclass
class Context:
    """What several checks share: the spec, the table and the one profile scan."""

    wh: Any
    spec: CheckSpec
    _profile: dict[str, stats.ColumnStats] | None = field(default=None, repr=False)
    _matrix: tuple | None = field(default=None, repr=False)

    @property
    def table(self) -> exp.Table:
        return self.spec.table

    @property
    def profile(self) -> dict[str, stats.ColumnStats]:
        if self._profile is None:
            names = [c for c in self.spec.columns if c in self.spec.features or c == self.spec.target]
            if not names:  # a table of ids only still has a row count
                names = list(self.spec.columns)[:1]
            distinct = [c for c in self.spec.categorical]
            rows = stats.column_profile(self.wh, self.table, {c: self.spec.columns[c] for c in names},
                                        self.spec.model, distinct=distinct)
            self._profile = {s.name: s for s in rows}
        return self._profile

    @property
    def rows(self) -> int:
        if self.profile:
            return next(iter(self.profile.values())).rows
        return stats.row_count(self.wh, self.table)  # no column of a checkable type: still count rows

    @property
    def numeric_target(self) -> bool:
        target = self.spec.target
        return target is not None and self.spec.columns[target] == "numeric" and not _all_null(self.profile[target])

    def matrix(self) -> tuple[list[str], int, Any]:
        """(names, complete rows, correlation matrix) shared by target_correlation and feature_collinearity.

        Numeric features present in at least half the rows (a sparse one would
        leave few complete rows), plus the numeric target last; over the target
        rows, else the reference set, else the whole table.
        """
        if self._matrix is None:
            spec = self.spec
            names = [c for c in spec.numeric
                     if (self.profile[c].nulls + self.profile[c].nans) <= 0.5 * self.profile[c].rows]
            if self.numeric_target:
                names.append(spec.target)
                where = self.target_rows()
            else:
                where = reference_filter(spec) if spec.has_sets else None
            rows, matrix = stats.correlation_matrix(self.wh, self.table, names, where) if len(names) >= 2 \
                else (0, None)
            self._matrix = (names, rows, matrix)
        return self._matrix

    def target_rows(self) -> exp.Expression:
        """Rows the target checks use: the reference set (train) when one is defined, target present.

        A NaN or ±inf numeric target is no value either (NaN is no class, no correlation).
        """
        target = column(self.spec.target)
        if self.spec.columns[self.spec.target] == "numeric":
            target = stats.finite(target)
        present = exp.Not(this=exp.Is(this=target, expression=exp.Null()))
        return exp.and_(reference_filter(self.spec), present) if self.spec.has_sets else present


def run_feature_set_checks(wh, spec: CheckSpec) -> list[CheckResult]:
    """Every enabled feature-set check of `spec`; a check that raises becomes one `error` record."""
    ctx = Context(wh, spec)

    def run(name: str) -> list[CheckResult]:
        params = spec.checks[name]
        if ctx.rows == 0:
            return [_nothing_to_check(spec, name, params, None, f"{spec.relation} has no rows")]
        excluded = set(params.get("exclude") or [])
        return [r for r in CHECKS[name](ctx, params) if r.column not in excluded]
    return run_enabled(spec, CHECKS, CheckType.FEATURE_SET, run)


# ------------------------------------------------------------------ shared pieces

def _record(spec: CheckSpec, check: str, status: Status, column: str | None = None, **fields: Any) -> CheckResult:
    if "details" in fields:
        fields["details"] = json_safe(fields["details"])
    return CheckResult(check=check, status=status, model=spec.model, column=column, layer=spec.layer,
                       check_type=CheckType.FEATURE_SET, **fields)


def _verdict(bad: bool, params: dict) -> Status:
    """FAIL when bad (WARN with `severity: warn`), else PASS."""
    if not bad:
        return Status.PASS
    return Status.WARN if params.get("severity") == "warn" else Status.FAIL


def _nothing_to_check(spec: CheckSpec, check: str, params: dict, column: str | None, why: str) -> CheckResult:
    if params.get("allow_empty"):
        return _record(spec, check, Status.SKIP, column, message=f"{why}: nothing to check (allowed by allow_empty)")
    return _record(spec, check, _verdict(True, params), column,
                   message=f"{why}: nothing to check; load the data, or set allow_empty: true on {check}")


def _all_null(s: stats.ColumnStats) -> bool:
    return s.rows > 0 and s.nulls + s.nans >= s.rows


def _columns_checked(ctx: Context, names: list[str], check: str, params: dict,
                     one: Callable[[stats.ColumnStats], CheckResult]) -> list[CheckResult]:
    out = []
    for name in names:
        s = ctx.profile[name]
        if _all_null(s):
            out.append(_nothing_to_check(ctx.spec, check, params, name, f"{name} is NULL in every row"))
        else:
            out.append(one(s))
    return out


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value) if isinstance(value, str) else str(value)


def _sample(frame) -> list[dict]:
    if frame is None:
        return []
    return json_safe(frame.head(MAX_SAMPLE_ROWS).to_dict(orient="records"))


def _table(title: str, columns: list[str], rows: list[list]) -> dict:
    return {"title": title, "columns": columns, "rows": json_safe(rows[:MAX_TABLE_ROWS])}


# ------------------------------------------------------------------ the checks

def single_value(ctx: Context, params: dict) -> list[CheckResult]:
    """A feature with one value in every row (NULLs aside) carries no information."""
    def one(s: stats.ColumnStats) -> CheckResult:
        single = s.minimum is not None and s.minimum == s.maximum
        observed = 1 if single else s.distinct
        if single:
            message = f"{s.name} has a single value ({_show(s.minimum)}) in all {s.present:,} non-NULL rows: drop it"
        else:
            message = f"{s.name} has more than one value"
        return _record(ctx.spec, "single_value", _verdict(single, params), s.name, observed=observed,
                       threshold=1, failures=s.present if single else 0, message=message)
    return _columns_checked(ctx, ctx.spec.features, "single_value", params, one)


def missing_values(ctx: Context, params: dict) -> list[CheckResult]:
    """Share of NULL, NaN and blank cells of each feature, from the profile scan."""
    limit = float(params["max_ratio"])
    out = []
    for name in ctx.spec.features:
        s = ctx.profile[name]
        ratio = s.missing / s.rows
        bad = ratio > limit  # strict: a ratio equal to the limit passes
        parts = [f"NULL {s.nulls:,}"] + ([f"NaN {s.nans:,}"] if s.nans else []) + \
                ([f"blank {s.empties:,}"] if s.empties else [])
        details = {}
        if bad:
            details["sample"] = _sample(stats.sample_rows(ctx.wh, ctx.table, [*ctx.spec.ids, name],
                                                         _missing_condition(name, s.family)))
        out.append(_record(ctx.spec, "missing_values", _verdict(bad, params), name, observed=ratio, threshold=limit,
                           failures=s.missing, details=details,
                           message=f"{name}: {ratio:.1%} missing ({', '.join(parts)} of {s.rows:,} rows), "
                                   f"limit {limit:.1%}"))
    return out


def _missing_condition(name: str, family: str) -> exp.Expression:
    col = column(name)
    condition = exp.Is(this=col, expression=exp.Null())
    if family == "numeric":
        condition = exp.or_(condition, stats.is_nan(col))
    if family == "categorical":
        condition = exp.or_(condition, exp.Trim(this=exp.cast(col.copy(), "VARCHAR")).eq(exp.Literal.string("")))
    return condition


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
        details = {"table": _table(f"Near-duplicate spellings of {s.name}", ["group", "value", "rows"], rows)} \
            if groups else {}
        return _record(ctx.spec, "similar_strings", _verdict(bad, params), s.name, observed=len(groups),
                       threshold=max_groups, failures=surplus, message=message, details=details)
    return _columns_checked(ctx, texts, "similar_strings", params, one)


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


def duplicate_rows(ctx: Context, params: dict) -> list[CheckResult]:
    """Rows repeated in every column (or in `columns`), counted by GROUP BY in the warehouse."""
    limit = float(params["max_ratio"])
    excluded = set(params.get("exclude") or [])
    names = [c for c in params.get("columns") or list(ctx.spec.columns) if c not in excluded]
    if not names:
        return [_record(ctx.spec, "duplicate_rows", Status.ERROR,
                        message=f"{ctx.spec.model}: checks.duplicate_rows leaves no column to compare; "
                                f"name some in columns: or exclude fewer")]
    surplus, groups, examples = stats.duplicate_rows(ctx.wh, ctx.table, names, sample=MAX_SAMPLE_ROWS)
    ratio = surplus / ctx.rows
    bad = ratio > limit
    scope = "all columns" if not params.get("columns") and not excluded else ", ".join(names)
    message = (f"{surplus:,} duplicate rows ({ratio:.2%}) in {groups:,} groups over {scope}, limit {limit:.2%}: "
               f"de-duplicate upstream" if surplus else f"no duplicate rows over {scope}")
    return [_record(ctx.spec, "duplicate_rows", _verdict(bad, params), None, observed=ratio, threshold=limit,
                    failures=surplus, message=message, details={"sample": _sample(examples)} if surplus else {})]


def duplicate_columns(ctx: Context, params: dict) -> list[CheckResult]:
    """Features equal to another feature in every row (NULL = NULL), all pairs in one scan."""
    max_pairs = int(params["max_pairs"])
    excluded = set(params.get("exclude") or [])
    usable = [c for c in ctx.spec.features if not _all_null(ctx.profile[c]) and c not in excluded]
    pairs = stats.comparable_pairs(ctx.spec.columns, usable)
    # identical columns have identical profiles: only pairs whose counts and min/max agree are scanned
    candidates = [(a, b) for a, b in pairs if _same_profile(ctx.profile[a], ctx.profile[b])]
    mismatches = stats.mismatch_counts(ctx.wh, ctx.table, candidates) if candidates else {}
    same = [pair for pair, n in mismatches.items() if n == 0]
    bad = len(same) > max_pairs
    names = ", ".join(f"{a} = {b}" for a, b in same[:10])
    message = (f"{len(same)} pair(s) of identical columns: {names}; keep one of each" if same else
               f"no two of {len(usable)} features are identical ({len(pairs)} pairs compared)")
    details = {"table": _table("Identical columns", ["column", "same as"], [list(p) for p in same])} if same else {}
    return [_record(ctx.spec, "duplicate_columns", _verdict(bad, params), names or None, observed=len(same),
                    threshold=max_pairs, failures=len(same), message=message, details=details)]


def _same_profile(a: stats.ColumnStats, b: stats.ColumnStats) -> bool:
    return (a.nulls, a.nans, a.empties, a.distinct, a.minimum, a.maximum) == \
        (b.nulls, b.nans, b.empties, b.distinct, b.minimum, b.maximum)


def target_correlation(ctx: Context, params: dict) -> list[CheckResult]:
    """Leakage: a feature that predicts the target almost perfectly (|Pearson r| or correlation ratio η).

    Measured on the reference set (rows with a known target); a numeric target
    pairs with numeric features by Pearson r and with categorical ones by η;
    a categorical target pairs with numeric features by η and with
    categorical ones by Cramér's V.
    """
    spec = ctx.spec
    limit = float(params["max_abs_corr"])
    if spec.target is None:
        return [_record(spec, "target_correlation", Status.SKIP, message=f"{spec.model} declares no target: "
                        "add target: <column> to meta.strataqc to check for leakage")]
    target_stats = ctx.profile[spec.target]
    if _all_null(target_stats):
        return [_nothing_to_check(spec, "target_correlation", params, spec.target,
                                  f"target {spec.target} is NULL in every row")]
    where = ctx.target_rows()
    numeric_target = ctx.numeric_target
    features = [c for c in spec.features if not _all_null(ctx.profile[c])]
    numeric = [c for c in features if c in spec.numeric]
    categorical = [c for c in features if c in spec.categorical]
    strength: dict[str, tuple[float | None, str]] = {}
    if numeric_target:
        names, _, matrix = ctx.matrix()
        # with no missing value anywhere in the matrix, its complete rows are every target row:
        # its r is the pairwise r, and one corr() per feature is saved
        complete = matrix is not None and all(ctx.profile[c].nulls + ctx.profile[c].nans == 0 for c in names)
        for feature in numeric:
            if complete and feature in names:
                r = matrix[names.index(feature), -1]
                strength[feature] = (None if r != r else float(r), "Pearson r")
        pending = [(c, spec.target) for c in numeric if c not in strength]
        for (feature, _), r in (stats.correlations(ctx.wh, ctx.table, pending, where) if pending else {}).items():
            strength[feature] = (r, "Pearson r")
        for feature, eta in stats.correlation_ratios(ctx.wh, ctx.table, categorical, spec.target, where).items():
            strength[feature] = (eta, "correlation ratio")
    else:
        for feature in numeric:
            eta = stats.correlation_ratios(ctx.wh, ctx.table, [spec.target], feature, where)[spec.target]
            strength[feature] = (eta, "correlation ratio")
        for feature in categorical:
            strength[feature] = (cramers_v(ctx, feature, spec.target, where), "Cramér's V")
    leaks = linear_leaks(ctx, float(params["max_r2"])) if numeric_target else {}
    out = []
    for feature in features:
        if feature not in strength:
            continue
        value, measure = strength[feature]
        if feature in leaks:
            with_it, without, partners = leaks[feature]
            r = f"; alone {measure} {value:.3f}" if value is not None else ""
            group = (f"; it completes the identity with {', '.join(partners)}: one of them is built from the "
                     f"target, so check each is known at prediction time" if partners else
                     "; check it is known at prediction time")
            out.append(_record(spec, "target_correlation", _verdict(True, params), feature, observed=with_it,
                               threshold=float(params["max_r2"]), failures=1,
                               details={"identity": [feature, *partners]} if partners else {},
                               message=f"{feature} leaks the target {spec.target}: with it the numeric features "
                                       f"explain R² {with_it:.3f} of it (> {params['max_r2']}), without it "
                                       f"{without:.3f}{r}{group}"))
            continue
        if value is None:
            out.append(_record(spec, "target_correlation", Status.SKIP, feature, threshold=limit,
                               message=f"{feature}: no {measure} with {spec.target} (constant or no rows "
                                       f"with both values)"))
            continue
        bad = abs(value) > limit
        message = (f"{feature} predicts the target {spec.target} too well: {measure} {value:.3f}, "
                   f"|{value:.3f}| > {limit}; check it is known at prediction time (leakage)" if bad else
                   f"{feature}: {measure} with {spec.target} {value:.3f}, limit {limit}")
        out.append(_record(spec, "target_correlation", _verdict(bad, params), feature, observed=abs(value),
                           threshold=limit, failures=1 if bad else 0, message=message))
    return out


def cramers_v(ctx: Context, a: str, b: str, where: exp.Expression) -> float | None:
    """Cramér's V of two categorical columns from their contingency table (counted in SQL)."""
    from scipy.stats.contingency import association

    frame = stats.contingency(ctx.wh, ctx.table, a, b, where)
    if frame is None or frame.empty:
        return None
    table = frame.pivot_table(index="a", columns="b", values="n", aggfunc="sum", fill_value=0)
    if min(table.shape) < 2:
        return None  # one level on either side: no association to measure
    return float(association(table.to_numpy(), method="cramer"))


def linear_leaks(ctx: Context, max_r2: float) -> dict[str, tuple[float, float]]:
    """Features that make the target an (almost) exact linear function of the features.

    A leak built from the target (a window reaching into the target period) is
    often unremarkable alone but completes a linear identity with honest
    features. R² of the target on the numeric features comes from their
    correlation matrix (complete rows, computed in the warehouse); while it
    exceeds `max_r2`, the features without which it falls to `max_r2` or
    below complete the identity together: all are flagged, since the rule
    cannot tell the one built from the target from its honest partners (name
    only one and a user who drops it keeps the leak). When no single removal
    is enough (a leak in two copies), the feature whose removal lowers it most
    is flagged and removed, and the search goes on. Returns feature ->
    (R² with it, R² without it, the other features of its identity).
    """
    import numpy as np

    names, rows, matrix = ctx.matrix()
    if matrix is None:
        return {}
    y = len(names) - 1
    # a constant column's row and column are NaN: leave it out, not every column it meets
    current = [i for i in range(y) if not np.isnan(matrix[i, i])]
    if np.isnan(matrix[y, y]) or rows < 10 + 2 * len(current):
        return {}  # too few complete rows for a stable fit

    def r2(idx: list[int]) -> float:
        if not idx:
            return 0.0
        s = matrix[idx, y]
        return float(min(1.0, max(0.0, s @ np.linalg.pinv(matrix[np.ix_(idx, idx)]) @ s)))

    flagged: dict[str, tuple[float, float, list[str]]] = {}
    explained = r2(current)
    while current and explained > max_r2:
        without = {i: r2([j for j in current if j != i]) for i in current}
        needed = [i for i in current if without[i] <= max_r2]
        if needed:
            for i in needed:
                flagged[names[i]] = (explained, without[i], [names[j] for j in needed if j != i])
            break
        top = min(without, key=without.get)
        flagged[names[top]] = (explained, without[top], [])
        current.remove(top)
        explained = without[top]
    return flagged


def feature_collinearity(ctx: Context, params: dict) -> list[CheckResult]:
    """Pairs of numeric features with |Pearson r| above the limit.

    The matrix is the one target_correlation uses: complete rows of the
    reference set (what a model trains on), computed in two scans.
    """
    limit = float(params["max_abs_corr"])
    names, rows, matrix = ctx.matrix()
    excluded = set(params.get("exclude") or [])
    features = [c for c in names if c != ctx.spec.target or not ctx.numeric_target]
    compared = [c for c in features if c not in excluded]
    ranked = []
    for i, a in enumerate(features):
        for j in range(i + 1, len(features)):
            r = matrix[i, j]
            if r == r and not {a, features[j]} & excluded:  # NaN: a constant column has no correlation
                ranked.append((a, features[j], float(r)))
    ranked.sort(key=lambda t: -abs(t[2]))
    over = [(a, b, r) for a, b, r in ranked if abs(r) > limit]
    top = max((abs(r) for _, _, r in ranked), default=None)
    names_over = ", ".join(f"{a} ~ {b}" for a, b, _ in over[:10])
    sparse = [c for c in ctx.spec.numeric if c not in names and c not in excluded and not _all_null(ctx.profile[c])]
    note = f"; not compared (NULL in over half the rows): {', '.join(sparse)}" if sparse else ""
    message = (f"{len(over)} pair(s) of features with |r| > {limit}: "
               + ", ".join(f"{a} ~ {b} ({r:.3f})" for a, b, r in over[:5]) + "; consider dropping one of each"
               if over else f"no pair of {len(compared)} numeric features has |r| > {limit}"
               + (f" (highest {top:.3f})" if top is not None else "")) + f" on {rows:,} complete rows{note}"
    details = {"table": _table("Most correlated feature pairs", ["feature", "feature", "pearson_r"],
                               [[a, b, round(r, 4)] for a, b, r in ranked])} if ranked else {}
    return [_record(ctx.spec, "feature_collinearity", _verdict(bool(over), params), names_over or None,
                    observed=top, threshold=limit, failures=len(over), message=message, details=details)]


def categorical_levels(ctx: Context, params: dict) -> list[CheckResult]:
    """Categorical features with more distinct values than a model can learn from."""
    limit = int(params["max_levels"])

    def one(s: stats.ColumnStats) -> CheckResult:
        bad = (s.distinct or 0) > limit
        message = (f"{s.name} has {s.distinct:,} levels, more than {limit}: group rare levels or treat it "
                   f"as an id" if bad else f"{s.name}: {s.distinct:,} levels, limit {limit}")
        return _record(ctx.spec, "categorical_levels", _verdict(bad, params), s.name, observed=s.distinct,
                       threshold=limit, failures=(s.distinct or 0) - limit if bad else 0, message=message)
    names = [c for c in ctx.spec.categorical if ctx.spec.columns[c] != "boolean"]
    return _columns_checked(ctx, names, "categorical_levels", params, one)


def class_imbalance(ctx: Context, params: dict) -> list[CheckResult]:
    """Smallest class / largest class of the target in the reference set.

    A categorical (or boolean, or few-valued numeric) target is checked by its
    values; another numeric target only when `bins` (a count of equal-width
    bins, or a list of edges) says how to make classes of it.
    """
    spec = ctx.spec
    limit = float(params["min_ratio"])
    if spec.target is None:
        return [_record(spec, "class_imbalance", Status.SKIP,
                        message=f"{spec.model} declares no target: add target: <column> to meta.strataqc")]
    if _all_null(ctx.profile[spec.target]):
        return [_nothing_to_check(spec, "class_imbalance", params, spec.target,
                                  f"target {spec.target} is NULL in every row")]
    where = ctx.target_rows()
    max_classes = int(params["max_classes"])
    bins = params.get("bins")
    few_values = True
    if bins is None and spec.columns[spec.target] == "numeric":
        # a continuous target would make a GROUP BY of millions of values: look at its range first
        low, high, fractional = stats.integral_range(ctx.wh, ctx.table, spec.target, where)
        few_values = fractional == 0 and low is not None and high is not None and high - low < max_classes
    frame = stats.value_counts(ctx.wh, ctx.table, spec.target, where, limit=max_classes + 1) \
        if bins is None and few_values else None
    if frame is not None and len(frame) <= max_classes:
        labels = [str(v) for v in frame["value"]]
        counts = [int(n) for n in frame["n"]]
        kind = "class"
    elif bins is not None and spec.columns[spec.target] == "numeric":
        edges = _bin_edges(ctx, bins, where)
        # outer bins are open-ended: values below the first or above the last edge still count
        counts = stats.binned_counts(ctx.wh, ctx.table, spec.target, edges, where)
        labels = [f"< {_show(edges[0])}"] + [f"[{_show(a)}, {_show(b)})" for a, b in zip(edges, edges[1:])] + \
                 [f">= {_show(edges[-1])}"]
        kind = "bin"
    else:
        return [_record(spec, "class_imbalance", Status.SKIP, spec.target,
                        message=f"{spec.target} has more than {max_classes} values: give "
                                f"class_imbalance: {{bins: [edges]}} to check it as classes")]
    if len(counts) < 2:
        return [_record(spec, "class_imbalance", _verdict(True, params), spec.target, observed=0.0,
                        threshold=limit, message=f"{spec.target} has a single {kind} ({labels[0] if labels else ''}):"
                                                 f" nothing to learn")]
    smallest, largest = min(counts), max(counts)
    ratio = smallest / largest if largest else 0.0
    bad = ratio < limit  # strict: a ratio equal to the limit passes
    minority = labels[counts.index(smallest)]
    message = (f"{spec.target}: smallest {kind} {minority!r} has {smallest:,} rows, {ratio:.1%} of the largest "
               f"({largest:,}); limit {limit:.0%}" + ("; rebalance or weight the classes" if bad else ""))
    total = sum(counts) or 1
    details = {"table": _table(f"{spec.target} {kind}es", [kind, "rows", "share"],
                               [[label, n, round(n / total, 4)] for label, n in zip(labels, counts)])}
    return [_record(spec, "class_imbalance", _verdict(bad, params), spec.target, observed=ratio, threshold=limit,
                    failures=smallest if bad else 0, message=message, details=details)]


def _bin_edges(ctx: Context, bins: int | list, where: exp.Expression) -> list[float]:
    """Edges between classes: the given list, or the inner edges of `bins` equal-width bins over min..max."""
    if isinstance(bins, list):
        return sorted(float(b) for b in bins)
    low, high = stats.quantiles(ctx.wh, ctx.table, ctx.spec.target, [0.0, 1.0], where)
    if low is None or high is None or high <= low:
        return [low or 0.0]
    step = (high - low) / int(bins)
    return [low + i * step for i in range(1, int(bins))]


# YAML check name -> check; the order is the report's order
CHECKS: dict[str, Callable[[Context, dict], list[CheckResult]]] = {
    "single_value": single_value,
    "missing_values": missing_values,
    "similar_strings": similar_strings,
    "duplicate_rows": duplicate_rows,
    "duplicate_columns": duplicate_columns,
    "target_correlation": target_correlation,
    "feature_collinearity": feature_collinearity,
    "categorical_levels": categorical_levels,
    "class_imbalance": class_imbalance,
}
