"""What the feature-set checks of one table share: the spec, the one profile scan, the correlation matrix.

With stored facts (`profiles.facts.Facts`, a model with `profiles:`), what
the checks measure is merged from per-day partial aggregates instead of read
from the table; a fact the store cannot answer exactly, or one that fails, is
read from the table as without profiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import logging
from typing import Any, Callable

from sqlglot import exp

from strataqc.checks import stats
from strataqc.checks.base import first_line
from strataqc.checks.config import CheckSpec, column, reference_filter

log = logging.getLogger("strataqc")


@dataclass
class Context:
    """What several checks share: the spec, the table and the one profile scan."""

    wh: Any
    spec: CheckSpec
    facts: Any = None           # profiles.facts.Facts: stored per-day aggregates, or None (read the table)
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
            columns = {c: self.spec.columns[c] for c in names}
            rows = self.stored(lambda f: f.column_stats(columns, distinct),
                               lambda: stats.column_profile(self.wh, self.table, columns, self.spec.model,
                                                            distinct=distinct))
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
        return target is not None and self.spec.columns[target] == "numeric" and not all_null(self.profile[target])

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
            rows, matrix = self.stored(lambda f: f.matrix(names, where),
                                       lambda: stats.correlation_matrix(self.wh, self.table, names, where)) \
                if len(names) >= 2 else (0, None)
            self._matrix = (names, rows, matrix)
        return self._matrix

    def stored(self, from_facts: Callable[[Any], Any], from_table: Callable[[], Any]) -> Any:
        """The stored facts' answer when they have one (not None), else the table's."""
        if self.facts is not None:
            try:
                answer = from_facts(self.facts)
            except Exception as exc:  # a store that cannot answer must not cost the check: the table can
                log.info("%s: stored facts failed (%s: %s), reading the table", self.spec.model,
                         type(exc).__name__, first_line(exc))
                answer = None
            if answer is not None:
                return answer
        return from_table()

    def correlations(self, pairs: list[tuple[str, str]], where: exp.Expression):
        return self.stored(lambda f: f.correlations(pairs, where),
                           lambda: stats.correlations(self.wh, self.table, pairs, where))

    def correlation_ratios(self, categories: list[str], target: str, where: exp.Expression):
        return self.stored(lambda f: f.correlation_ratios(categories, target, where),
                           lambda: stats.correlation_ratios(self.wh, self.table, categories, target, where))

    def integral_range(self, name: str, where: exp.Expression):
        return self.stored(lambda f: f.integral_range(name, where),
                           lambda: stats.integral_range(self.wh, self.table, name, where))

    def duplicate_rows(self, names: list[str], sample: int):
        return self.stored(lambda f: f.duplicates(names, sample),
                           lambda: stats.duplicate_rows(self.wh, self.table, names, sample=sample))

    def mismatch_counts(self, pairs: list[tuple[str, str]]):
        return self.stored(lambda f: f.mismatches(pairs), lambda: stats.mismatch_counts(self.wh, self.table, pairs))

    def target_rows(self) -> exp.Expression:
        """Rows the target checks use: the reference set (train) when one is defined, target present.

        A NaN or ±inf numeric target is no value either (NaN is no class, no correlation).
        """
        target = column(self.spec.target)
        if self.spec.columns[self.spec.target] == "numeric":
            target = stats.finite(target)
        present = exp.Not(this=exp.Is(this=target, expression=exp.Null()))
        return exp.and_(reference_filter(self.spec), present) if self.spec.has_sets else present


def all_null(s: stats.ColumnStats) -> bool:
    return s.rows > 0 and s.nulls + s.nans >= s.rows
