"""Case 2 peer: deepchecks' data_integrity + train_test_validation suites on the ADS table.

Runs in bench/.venvs/deepchecks (deepchecks 0.19 needs scikit-learn < 1.6, numpy < 2).
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore")

import pandas as pd  # noqa: E402
from deepchecks.tabular import Dataset  # noqa: E402
from deepchecks.tabular.suites import data_integrity, train_test_validation  # noqa: E402

from cases.peer_common import Spec  # noqa: E402
from harness import report_phases  # noqa: E402


def main() -> None:
    spec = Spec.read(Path(sys.argv[1]))
    t0 = time.monotonic()
    frame = pd.read_parquet(spec.parquet)
    ref, cur, target = spec.split(frame)
    del frame
    t1 = time.monotonic()
    train = Dataset(ref, label=target, cat_features=spec.categorical)
    test = Dataset(cur, label=target, cat_features=spec.categorical)
    integrity = data_integrity().run(train)
    validation = train_test_validation().run(train_dataset=train, test_dataset=test)
    t2 = time.monotonic()
    report_phases(load_s=round(t1 - t0, 3), checks_s=round(t2 - t1, 3), reference_rows=len(ref),
                  current_rows=len(cur), target=target, checks=len(integrity.results) + len(validation.results))


if __name__ == "__main__":
    main()
