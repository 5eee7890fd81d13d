"""class_imbalance: the smallest class of the target over its largest, in the reference set."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from strataqc.checks import stats
from strataqc.checks.feature_set.context import Context, all_null
from strataqc.checks.feature_set.records import detail_table, nothing_to_check, record, show, verdict
from strataqc.results import CheckResult, Status


@dataclass(frozen=True)
class Classes:
    """Rows per class (or per bin of a numeric target) in the reference set."""

    target: str
    kind: str                     # "class" or "bin"
    labels: tuple[str, ...]
    counts: tuple[int, ...]

    @property
    def ratio(self) -> float:
        """Smallest class over the largest (0 with fewer than two classes)."""
        if len(self.counts) < 2 or not max(self.counts):
            return 0.0
        return min(self.counts) / max(self.counts)


def measure(ctx: Context, params: dict) -> Classes | None:
    """The target's classes, counted in SQL; None when it has too many values to be classes and no `bins`."""
    spec = ctx.spec
    where = ctx.target_rows()
    max_classes = int(params["max_classes"])
    bins = params.get("bins")
    few_values = True
    if bins is None and spec.columns[spec.target] == "numeric":
        # a continuous target would make a GROUP BY of millions of values: look at its range first
        low, high, fractional = ctx.integral_range(spec.target, where)
        few_values = fractional == 0 and low is not None and high is not None and high - low < max_classes
    frame = stats.value_counts(ctx.wh, ctx.table, spec.target, where, limit=max_classes + 1) \
        if bins is None and few_values else None
    if frame is not None and len(frame) <= max_classes:
        return Classes(spec.target, "class", tuple(str(v) for v in frame["value"]), tuple(int(n) for n in frame["n"]))
    if bins is not None and spec.columns[spec.target] == "numeric":
        edges = _bin_edges(ctx, bins, where)
        # outer bins are open-ended: values below the first or above the last edge still count
        counts = stats.binned_counts(ctx.wh, ctx.table, spec.target, edges, where)
        labels = [f"< {show(edges[0])}"] + [f"[{show(a)}, {show(b)})" for a, b in zip(edges, edges[1:])] + \
                 [f">= {show(edges[-1])}"]
        return Classes(spec.target, "bin", tuple(labels), tuple(int(n) for n in counts))
    return None


def judge(measured: Classes, params: dict) -> Status:
    # strict: a ratio equal to the limit passes; a single class has nothing to learn
    return verdict(len(measured.counts) < 2 or measured.ratio < float(params["min_ratio"]), params)


def class_imbalance(ctx: Context, params: dict) -> list[CheckResult]:
    """Smallest class / largest class of the target in the reference set.

    A categorical (or boolean, or few-valued numeric) target is checked by its
    values; another numeric target only when `bins` (a count of equal-width
    bins, or a list of edges) says how to make classes of it.
    """
    spec = ctx.spec
    limit = float(params["min_ratio"])
    if spec.target is None:
        return [record(spec, "class_imbalance", Status.SKIP,
                        message=f"{spec.model} declares no target: add target: <column> to meta.strataqc")]
    if all_null(ctx.profile[spec.target]):
        return [nothing_to_check(spec, "class_imbalance", params, spec.target,
                                  f"target {spec.target} is NULL in every row")]
    m = measure(ctx, params)
    if m is None:
        return [record(spec, "class_imbalance", Status.SKIP, spec.target,
                        message=f"{spec.target} has more than {int(params['max_classes'])} values: give "
                                f"class_imbalance: {{bins: [edges]}} to check it as classes")]
    kind, labels, counts = m.kind, m.labels, m.counts
    status = judge(m, params)
    if len(counts) < 2:
        return [record(spec, "class_imbalance", status, spec.target, observed=0.0,
                        threshold=limit, message=f"{spec.target} has a single {kind} ({labels[0] if labels else ''}):"
                                                 f" nothing to learn")]
    smallest, largest = min(counts), max(counts)
    bad = status is not Status.PASS
    minority = labels[counts.index(smallest)]
    message = (f"{spec.target}: smallest {kind} {minority!r} has {smallest:,} rows, {m.ratio:.1%} of the largest "
               f"({largest:,}); limit {limit:.0%}" + ("; rebalance or weight the classes" if bad else ""))
    total = sum(counts) or 1
    details = {"table": detail_table(f"{spec.target} {kind}es", [kind, "rows", "share"],
                               [[label, n, round(n / total, 4)] for label, n in zip(labels, counts)])}
    return [record(spec, "class_imbalance", status, spec.target, observed=m.ratio, threshold=limit,
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
