"""The order of a repeatable sample: a deterministic per-row hash of some columns and a seed, per engine.

Shared by the drift checks' samples, the model's bounded samples and the profiles' checksums, so a
row's place in every sample is one engine-native hash.
"""

from __future__ import annotations

from sqlglot import exp
from strataqc.sql_types import sql_cast


def sample_key(dialect: str, names: list[str], seed: int) -> exp.Expression:
    """A deterministic per-row hash of `names` and the seed: the order of a repeatable sample.

    An engine-native hash (DuckDB and Spark HASH) costs a tenth of MD5 over
    text; PostgreSQL has no HASH(...) of several values, so it hashes the
    values joined as text with the seed.
    """
    cols = [exp.column(n, quoted=True) for n in names]
    if dialect == "postgres":
        text = [exp.Coalesce(this=sql_cast(c, "VARCHAR"), expressions=[exp.Literal.string("")]) for c in cols]
        joined = exp.ConcatWs(expressions=[exp.Literal.string("|"), *text])
        return exp.Anonymous(this="HASHTEXTEXTENDED", expressions=[joined, exp.Literal.number(seed)])
    return exp.Anonymous(this="HASH", expressions=[exp.Literal.number(seed), *cols])
