"""`meta.strataqc`, read once: every key of the block and its meaning, with no warehouse needed.

`read_block` is the one reader of a model's block. `config.build_spec` checks
the columns it names against the warehouse into the `CheckSpec` the feature-set
and drift checks take; model quality takes the same `Block` (`spec.block`) and
parses its `model` key with `strataqc.model.config` (whose own keys are listed
there, in `MODEL_KEYS`).

A new top-level key is one line in `KEYS` (its meaning, shown by the
unknown-key error) and one field of `Block`; its checks go where the family
that uses it reads the block (`config.build_spec`, `model_quality._prepare`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# key -> meaning (docs/python-checks.md, "Configuration"); the order is the one error messages list
KEYS: dict[str, str] = {
    "target": "the column to predict",
    "split": "{column, reference, current}: split values of the reference and current sets",
    "windows": "instead of split: {column, reference: [from, to], current: [from, to]}",
    "ids": "key columns, not features",
    "categorical": "columns to treat as categories",
    "checks": "per check: its parameters, or false to turn it off",
    "sample_size": "rows of row-level work (the domain classifier)",
    "seed": "seed of row-level work",
    "allow_empty": "default of every check's allow_empty",
    "model": "the model-quality block (strataqc.model.config.MODEL_KEYS)",
    "profiles": "{column: date_col, rewrite_days: N, verify: rows | checksum}: drift reads stored per-day profiles",
    "chunks": "{column: date_col, size: week | month | N days}: drift per time chunk of the current set",
    # new top-level keys go here, with a field of Block below
}
BLOCK_KEYS = tuple(KEYS)
DEFAULT_SAMPLE_SIZE = 50_000
DEFAULT_SEED = 42


@dataclass(frozen=True)
class Block:
    """A model's meta.strataqc as written (values not yet checked against the table)."""

    model_name: str
    target: Any = None
    split: Any = None
    windows: Any = None
    ids: Any = None
    categorical: Any = None
    checks: Any = None
    sample_size: Any = DEFAULT_SAMPLE_SIZE
    seed: Any = DEFAULT_SEED
    allow_empty: Any = False
    model: Any = None                     # None: no model-quality checks
    profiles: Any = None                  # checked by config.build_spec (checks.profiles.settings)
    chunks: Any = None
    problems: tuple[tuple[str, str], ...] = field(default=())  # (key, what to write instead)

    @property
    def names_a_model(self) -> bool:
        return self.model is not None

    def names(self, key: str) -> list:
        """`ids` or `categorical` as a list (one name may be written without brackets)."""
        raw = getattr(self, key) or []
        return [raw] if isinstance(raw, str) else raw

    def model_config(self, project_dir: Path) -> Any:
        """The parsed `model` key (`ModelConfig`); raises `ModelConfigError` saying what to write."""
        from strataqc.model.config import parse_model_config

        categorical = self.names("categorical")
        return parse_model_config(self.model_name, self.model, Path(project_dir),
                                  list(categorical) if isinstance(categorical, list) else [],
                                  self.split if isinstance(self.split, dict) else None)


def read_block(model: str, raw: Any) -> Block | None:
    """The block of `model`; None (with the problem in `problems` of an empty block) when it is not a mapping."""
    if isinstance(raw, Block):
        return raw
    if not isinstance(raw, dict):
        return None
    problems = []
    for key in raw:
        if key not in KEYS:
            problems.append((str(key), f"unknown key '{key}' in meta.strataqc{did_you_mean(str(key), BLOCK_KEYS)}; "
                                       f"keys are {', '.join(BLOCK_KEYS)}"))
    known = {key: raw[key] for key in KEYS if key in raw}
    for key, default in (("sample_size", DEFAULT_SAMPLE_SIZE), ("seed", DEFAULT_SEED), ("allow_empty", False)):
        known.setdefault(key, default)
    return Block(model_name=model, problems=tuple(problems), **known)


def not_a_mapping(raw: Any) -> str:
    return f"meta.strataqc must be a mapping such as {{target: y, ids: [id]}}, got {type(raw).__name__}"


def did_you_mean(name: str, choices) -> str:
    choices = [str(c) for c in choices]
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6) or \
        [c for c in choices if len(name) >= 3 and len(c) >= 3
                                    and (name.lower() in c.lower() or c.lower() in name.lower())][:1]
    return f" (did you mean '{close[0]}'?)" if close else ""
