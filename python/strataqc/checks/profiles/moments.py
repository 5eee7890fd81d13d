"""Means and centred co-moments of groups of rows, merged exactly (the parallel formulas of Chan et al.).

A group holds its rows `n`, its means `m` and its co-moments `C` (sums of
products of deviations from its own means). Groups merge into the moments of
their union: N = Σn, M = Σ n·m / N, C = Σ C_g + Σ n_g (m_g − M)(m_g − M)ᵀ. Only
deviations are ever multiplied, so the result keeps its digits when the
means are large against the spread (sums of squares would not).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Moments:
    n: int
    means: np.ndarray           # (k,)
    comoments: np.ndarray       # (k, k), symmetric

    @property
    def covariance(self) -> np.ndarray:
        """Population covariance (co-moments over n)."""
        return self.comoments / self.n if self.n else np.full(self.comoments.shape, np.nan)


def upper(values: list[float], size: int) -> np.ndarray:
    """The symmetric matrix of its upper triangle, listed row by row (i <= j)."""
    out = np.zeros((size, size))
    k = 0
    for i in range(size):
        for j in range(i, size):
            out[i, j] = out[j, i] = values[k]
            k += 1
    return out


def merge(groups: list[Moments], size: int) -> Moments:
    """The moments of the union of `groups` (empty groups add nothing)."""
    groups = [g for g in groups if g.n > 0]
    if not groups:
        return Moments(0, np.full(size, np.nan), np.zeros((size, size)))
    counts = np.array([g.n for g in groups], dtype=float)
    means = np.vstack([g.means for g in groups])
    total = int(counts.sum())
    mean = (counts[:, None] * means).sum(axis=0) / total
    deviations = means - mean
    comoments = sum(g.comoments for g in groups) + (deviations * counts[:, None]).T @ deviations
    return Moments(total, mean, comoments)


def correlation(m: Moments) -> float | None:
    """Pearson r of a pair's moments; None when undefined (under two rows, a constant column)."""
    if m.n < 2:
        return None
    spread = np.sqrt(np.diag(m.comoments) / m.n)
    if (spread <= 1e-12 * np.maximum(1.0, np.abs(m.means))).any():
        return None
    r = m.comoments[0, 1] / np.sqrt(m.comoments[0, 0] * m.comoments[1, 1])
    return float(max(-1.0, min(1.0, r))) if np.isfinite(r) else None
