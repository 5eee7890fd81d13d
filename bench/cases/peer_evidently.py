"""Case 2 peer: evidently's DataDriftPreset + DataSummaryPreset on the ADS table in pandas.

Runs in bench/.venvs/evidently (evidently 0.7 needs pandas < 3).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
from evidently import DataDefinition, Dataset, Report  # noqa: E402
from evidently.presets import DataDriftPreset, DataSummaryPreset  # noqa: E402

from cases.peer_common import Spec  # noqa: E402
from harness import report_phases  # noqa: E402


def main() -> None:
    spec = Spec.read(Path(sys.argv[1]))
    t0 = time.monotonic()
    frame = pd.read_parquet(spec.parquet)
    ref, cur, target = spec.split(frame)
    del frame
    t1 = time.monotonic()
    definition = DataDefinition(numerical_columns=[*spec.numerical, *([target] if target else [])],
                                categorical_columns=spec.categorical)
    reference = Dataset.from_pandas(ref, data_definition=definition)
    current = Dataset.from_pandas(cur, data_definition=definition)
    snapshot = Report([DataDriftPreset(), DataSummaryPreset()]).run(current_data=current, reference_data=reference)
    result = snapshot.dict()
    t2 = time.monotonic()
    report_phases(load_s=round(t1 - t0, 3), checks_s=round(t2 - t1, 3), reference_rows=len(ref),
                  current_rows=len(cur), target=target, metrics=len(result.get("metrics", [])))


if __name__ == "__main__":
    main()
