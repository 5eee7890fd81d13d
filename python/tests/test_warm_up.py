"""strataqc/warm_up.py: the report's modules imported on a thread while dbt builds."""

from __future__ import annotations

import sys
import threading

import pytest

from strataqc import warm_up
from strataqc.warm_up import NIGHT_MODULES, WarmUp, wanted


@pytest.fixture
def modules_dir(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [n for n in sys.modules if n.startswith("warm_probe_")]:
        del sys.modules[name]


def test_the_modules_are_imported_on_another_thread(modules_dir):
    (modules_dir / "warm_probe_a.py").write_text("import threading\nIMPORTED_ON = threading.current_thread().name\n")
    warm = WarmUp(("warm_probe_a",))
    warm.wait()
    assert warm.imported == ["warm_probe_a"] and warm.failed == {}
    assert sys.modules["warm_probe_a"].IMPORTED_ON == "strataqc-warm-up"
    assert threading.current_thread().name != "strataqc-warm-up"


def test_a_module_that_cannot_be_imported_is_left_to_the_report(modules_dir, caplog):
    (modules_dir / "warm_probe_broken.py").write_text("raise RuntimeError('needs a setting')\n")
    (modules_dir / "warm_probe_fine.py").write_text("VALUE = 1\n")
    warm = WarmUp(("warm_probe_missing", "warm_probe_broken", "warm_probe_fine"))
    with caplog.at_level("DEBUG", logger="strataqc"):
        warm.wait()
    assert warm.imported == ["warm_probe_fine"]
    assert set(warm.failed) == {"warm_probe_missing", "warm_probe_broken"}
    assert "RuntimeError: needs a setting" in warm.failed["warm_probe_broken"]
    assert "warm_probe_broken" not in sys.modules  # the report's own import raises the error again, in place
    assert "warm_probe_missing" in caplog.text


def test_the_night_modules_exist():
    # a renamed module would silently drop out of the warm-up: every name must import
    warm = WarmUp(NIGHT_MODULES)
    warm.wait()
    assert warm.failed == {}, warm.failed


@pytest.fixture
def order(monkeypatch):
    """What a night did, in order: the warm-up is recorded instead of importing."""
    done: list[str] = []

    class Recorder:
        def __init__(self):
            done.append("started")

        def wait(self):
            done.append("waited")

    monkeypatch.setattr(warm_up, "WarmUp", Recorder)
    monkeypatch.delenv("DBT_FULL_REFRESH", raising=False)
    return done


def test_night_waits_for_the_imports_before_the_report(monkeypatch, tmp_path, order):
    from strataqc import night as night_module

    monkeypatch.setattr(night_module, "dbt_build", lambda *a, before, **k: (before(), order.append("dbt build")))
    monkeypatch.setattr(night_module, "report", lambda *a, **k: order.append("report") or 0)
    assert night_module.night_command(night_module.NightRun(project_dir=tmp_path)) == 0
    assert order == ["started", "dbt build", "waited", "report"]


def test_night_waits_for_the_imports_when_dbt_cannot_run(monkeypatch, tmp_path, order):
    from strataqc import night as night_module

    def broken(*a, before, **k):
        before()
        raise night_module.CannotRun("dbt build exited 2 without writing run_results.json")

    monkeypatch.setattr(night_module, "dbt_build", broken)
    assert night_module.night_command(night_module.NightRun(project_dir=tmp_path)) == night_module.EXIT_CANNOT_RUN
    assert order == ["started", "waited"]


@pytest.mark.parametrize("args, environ, expected", [
    ([], {}, True),
    (["--full-refresh"], {}, False),
    (["--vars", "{x: 1}", "-f"], {}, False),
    ([], {"DBT_FULL_REFRESH": "True"}, False),
    ([], {"DBT_FULL_REFRESH": "false"}, True),
])
def test_a_full_refresh_has_no_imports_beside_it(args, environ, expected):
    # it builds every table near dbt's memory limit: the modules would sit beside it
    assert wanted(args, environ) is expected


def test_night_with_a_full_refresh_imports_nothing_beside_dbt(monkeypatch, tmp_path, order):
    from strataqc import night as night_module

    monkeypatch.setattr(night_module, "dbt_build", lambda *a, before, **k: (before(), order.append("dbt build")))
    monkeypatch.setattr(night_module, "report", lambda *a, **k: order.append("report") or 0)
    opts = night_module.NightRun(project_dir=tmp_path, dbt_arg=("--full-refresh",))
    assert night_module.night_command(opts) == 0
    assert order == ["dbt build", "report"]
