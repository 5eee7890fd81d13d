"""Deterministic random samples in DuckDB SQL for the drift fixtures: no RNG state, so a table is the same every run.

`hash_samplers("i", "d")` gives `uniform(salt)` and `normal(salt)`: SQL expressions of a uniform (0, 1)
and a standard normal value per row, hashed from the named columns and the salt (one salt, one stream).
"""

from __future__ import annotations

from collections.abc import Callable


def hash_samplers(*over: str) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """`uniform` and `normal` SQL makers hashing the columns `over` (e.g. the row and day numbers)."""
    key = ", ".join(over)

    def uniform(salt: str) -> str:
        return f"((hash({key}, '{salt}') % 1000000) + 0.5) / 1000000.0"

    def normal(salt: str) -> str:
        # Box-Muller from two independent uniforms
        return f"sqrt(-2 * ln({uniform(salt + 'a')})) * cos(2 * pi() * {uniform(salt + 'b')})"

    return uniform, normal
