"""What every case-2 script reads: the ADS table as exported once to Parquet, and its roles."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Spec:
    parquet: Path
    target: str
    split_column: str
    reference: str
    current: str
    ids: list[str]
    categorical: list[str]
    numerical: list[str]

    @classmethod
    def read(cls, path: Path) -> "Spec":
        raw = json.loads(Path(path).read_text())
        return cls(Path(raw["parquet"]), raw["target"], raw["split_column"], raw["reference"], raw["current"],
                   raw["ids"], raw["categorical"], raw["numerical"])

    def split(self, frame):
        """Reference and current frames, roles only (ids and the split column dropped), and the target
        column name, or None when the current set has no target yet (the predict window's is NULL:
        both peers refuse an all-empty column, so it is left out of their reports)."""
        keep = [*self.numerical, *self.categorical, self.target]
        ref = frame.loc[frame[self.split_column] == self.reference, keep].reset_index(drop=True)
        cur = frame.loc[frame[self.split_column] == self.current, keep].reset_index(drop=True)
        if cur[self.target].isna().all() or ref[self.target].isna().all():
            return ref.drop(columns=[self.target]), cur.drop(columns=[self.target]), None
        return ref, cur, self.target
