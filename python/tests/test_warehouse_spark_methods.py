"""A Spark target is reached the way its dbt `method` says, or refused with the fix; never a stand-in
local session (which would write the history into the working directory, not the cluster)."""

from __future__ import annotations

import importlib.util
import socket

import pytest

from strataqc.engines import spark
from strataqc.warehouse import Target, Warehouse, WarehouseError, connect


def spark_target(**settings) -> Target:
    return Target("strataqc", "cluster", "spark", {"host": "127.0.0.1", "schema": "default", **settings})


@pytest.mark.parametrize("method", ["odbc", "jdbc", "", None])
def test_an_unsupported_method_names_the_target_and_the_supported_ones(method):
    with pytest.raises(WarehouseError) as caught:
        Warehouse(spark_target(method=method))
    message = str(caught.value)
    assert message.startswith("target 'cluster' of profile 'strataqc' (type spark) has ")
    assert all(f"'{m}'" in message for m in ("thrift", "http", "session"))
    assert "Set `method:` in profiles.yml" in message


@pytest.mark.parametrize(("settings", "env", "expected"), [
    pytest.param({"server_side_parameters": {"spark.remote": "sc://127.0.0.1:15002"}}, None,
                 "sc://127.0.0.1:15002", id="spark-remote-parameter"),
    pytest.param({}, "sc://127.0.0.1:15003", "sc://127.0.0.1:15003", id="SPARK_REMOTE"),
    pytest.param({"server_side_parameters": {"spark.master": "local[2]"}}, None, None, id="local-session"),
    pytest.param({"server_side_parameters": {"spark.remote": "local"}}, None, None, id="not-a-connect-url"),
])
def test_session_mode_is_spark_connect_when_it_names_an_sc_url(monkeypatch, settings, env, expected):
    if env is None:
        monkeypatch.delenv("SPARK_REMOTE", raising=False)
    else:
        monkeypatch.setenv("SPARK_REMOTE", env)
    assert spark.remote_url(spark_target(method="session", **settings)) == expected


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="pyspark not installed (.[spark])")
def test_spark_connect_without_its_client_libraries_says_what_to_install(monkeypatch):
    try:
        # importing pyspark.sql.connect checks its dependencies already
        from pyspark.sql.connect.utils import check_dependencies

        check_dependencies("pyspark.sql.connect")
    except Exception:  # pyspark's PySparkImportError is no ImportError
        pass
    else:
        pytest.skip("this pyspark has its Spark Connect client installed")
    target = spark_target(method="session", server_side_parameters={"spark.remote": "sc://127.0.0.1:15002"})
    with pytest.raises(WarehouseError, match=r'uses Spark Connect \(sc://127.0.0.1:15002\).*pip install "pyspark\[connect\]"'):
        Warehouse(target)


@pytest.mark.parametrize(("settings", "absent"), [
    ({"method": "thrift", "port": None}, "port"),
    ({"method": "http", "port": 443}, "token, cluster"),
])
def test_thrift_and_http_name_the_fields_they_miss(settings, absent):
    pytest.importorskip("pyhive", reason="PyHive comes with the .[spark] extra")
    with pytest.raises(WarehouseError, match=f"target 'cluster' of profile 'strataqc' .* needs {absent} in profiles.yml"):
        Warehouse(spark_target(**settings))


def test_a_thrift_server_that_is_not_there_is_one_clear_error(tmp_path):
    pytest.importorskip("pyhive", reason="PyHive comes with the .[spark] extra")
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / "dbt_project.yml").write_text("name: x\nprofile: qcfix\n")
    (tmp_path / "profiles.yml").write_text(
        "qcfix:\n  target: thrift\n  outputs:\n    thrift: {type: spark, method: thrift, host: 127.0.0.1, "
        f"port: {port}, user: qc, schema: default}}\n")
    with pytest.raises(WarehouseError) as caught:
        connect(tmp_path, tmp_path, lock_wait=0)
    assert str(caught.value).startswith("cannot open the warehouse qcfix.thrift (spark: 127.0.0.1): ")
    assert "\n" not in str(caught.value)
