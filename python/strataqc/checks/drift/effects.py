"""The mathematics of a shift (scipy): PSI, KS, Wasserstein, Jensen–Shannon and chi-square from binned counts."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps
from scipy.spatial.distance import jensenshannon

from strataqc.checks import drift_sql


# share given to an empty bin or category before PSI's logarithm
PSI_EPSILON = 1e-4
# effective set size above which the KS p-value is Kolmogorov's limiting distribution's
KSTWO_MAX_N = 10_000


def psi(reference: np.ndarray, current: np.ndarray, epsilon: float = PSI_EPSILON) -> float:
    """Population stability index of two share vectors: sum((c - r) * ln(c / r)).

    That is KL(c||r) + KL(r||c), both from scipy; an empty bin gets `epsilon`
    so a bin that empties out counts as a large, finite shift.
    """
    r = np.clip(np.asarray(reference, dtype=float), epsilon, None)
    c = np.clip(np.asarray(current, dtype=float), epsilon, None)
    r, c = r / r.sum(), c / c.sum()
    return float(sps.entropy(c, r) + sps.entropy(r, c))


def shares_of(counts: list[int] | np.ndarray) -> np.ndarray:
    counts = np.asarray(counts, dtype=float)
    total = counts.sum()
    return counts / total if total > 0 else counts


@dataclass(frozen=True)
class NumericDrift:
    psi: float
    ks: float
    ks_pvalue: float
    wasserstein: float
    wasserstein_norm: float | None
    scale: str | None           # "iqr" | "std": what wasserstein_norm is divided by


def numeric_drift(counts: drift_sql.BinnedCounts, spread: drift_sql.ReferenceSpread,
                  iqr: float | None) -> NumericDrift:
    """PSI, binned KS and binned Wasserstein from rows per reference-quantile bin."""
    ref, cur = np.asarray(counts.reference, dtype=float), np.asarray(counts.current, dtype=float)
    p, q = shares_of(ref), shares_of(cur)
    ks = float(np.max(np.abs(np.cumsum(p) - np.cumsum(q))))
    n, m = ref.sum(), cur.sum()
    # the two-sample p-value scipy's ks_2samp uses (method="asymp"), for the full set sizes; above
    # KSTWO_MAX_N its limit, Kolmogorov's distribution of sqrt(n) * D: kstwo.sf costs 0.1-0.6 s a
    # call at 1e5 rows and more above, for a difference below 1e-3 there
    effective = max(1, round(n * m / (n + m)))
    ks_pvalue = float(sps.kstwo.sf(ks, effective) if effective <= KSTWO_MAX_N
                      else sps.kstwobign.sf(ks * math.sqrt(effective)))
    ref_at = [(v, w) for v, w in zip(counts.reference_means, ref) if w > 0 and v is not None]
    cur_at = [(v, w) for v, w in zip(counts.current_means, cur) if w > 0 and v is not None]
    wasserstein = float(sps.wasserstein_distance([v for v, _ in ref_at], [v for v, _ in cur_at],
                                                 [w for _, w in ref_at], [w for _, w in cur_at]))
    scale, spread_value = None, None
    if iqr is not None and iqr > 0:
        scale, spread_value = "iqr", iqr
    elif spread.std is not None and spread.std > 0:
        scale, spread_value = "std", spread.std  # a feature that is mostly one value has IQR 0
    norm = wasserstein / spread_value if spread_value else None
    return NumericDrift(psi(p, q), ks, ks_pvalue, wasserstein, norm, scale)


@dataclass(frozen=True)
class CategoricalDrift:
    js: float
    psi: float
    chi2: float | None
    chi2_pvalue: float | None
    cramers_v: float | None


def categorical_drift(reference: list[int], current: list[int]) -> CategoricalDrift:
    """Jensen–Shannon distance (base 2), PSI and chi-square of two count vectors over the same levels."""
    ref, cur = np.asarray(reference, dtype=float), np.asarray(current, dtype=float)
    seen = (ref + cur) > 0  # a level with no row in either set has no expected frequency
    ref, cur = ref[seen], cur[seen]
    js = float(jensenshannon(shares_of(ref), shares_of(cur), base=2))
    chi2 = pvalue = cramers_v = None
    if len(ref) >= 2:
        table = np.vstack([ref, cur])
        result = sps.chi2_contingency(table, correction=False)
        chi2, pvalue = float(result.statistic), float(result.pvalue)
        cramers_v = float(sps.contingency.association(table.astype(np.int64), method="cramer", correction=False))
    return CategoricalDrift(js if math.isfinite(js) else 0.0, psi(shares_of(ref), shares_of(cur)), chi2, pvalue, cramers_v)
