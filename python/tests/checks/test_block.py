"""block.py: meta.strataqc read once; the spec carries it to all three families, errors word for word."""

from __future__ import annotations

from pathlib import Path

import pytest

from strataqc.checks.block import BLOCK_KEYS, KEYS, Block, read_block
from strataqc.checks.config import build_spec
from strataqc.model.config import ALLOWED_KEYS, MODEL_KEYS, ModelConfigError
from strataqc.warehouse import Target, Warehouse

SPLIT = {"column": "dataset_split", "reference": "train", "current": "predict"}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    path = tmp_path_factory.mktemp("block") / "fixture.duckdb"
    with Warehouse(Target("strataqc", "test", "duckdb", {"path": str(path)})) as warehouse:
        warehouse.execute("create table features as select range as store_id, range * 1.5 as x, "
                          "case when range < 6 then 'train' else 'predict' end as dataset_split, "
                          "range * 2.0 as y from range(10)")
        yield warehouse


def test_a_block_reads_every_key_once_with_its_defaults():
    block = read_block("m", {"target": "y", "ids": "store_id", "split": SPLIT, "model": {"train": True}})
    assert (block.target, block.names("ids"), block.split, block.sample_size, block.seed, block.allow_empty) == \
        ("y", ["store_id"], SPLIT, 50_000, 42, False)
    assert block.names_a_model and block.problems == ()
    assert not read_block("m", {"target": "y"}).names_a_model


def test_an_unknown_key_is_a_problem_naming_the_fix_and_a_non_mapping_is_no_block():
    block = read_block("m", {"target": "y", "taget": "y"})
    assert block.problems == (("taget", "unknown key 'taget' in meta.strataqc (did you mean 'target'?); "
                                        f"keys are {', '.join(BLOCK_KEYS)}"),)
    assert read_block("m", ["target"]) is None
    assert read_block("m", block) is block  # a block already read is not read again


def test_every_key_has_a_meaning():
    assert all(KEYS.values()) and all(MODEL_KEYS.values()) and ALLOWED_KEYS == set(MODEL_KEYS)


def test_the_spec_carries_the_block_to_model_quality(wh, tmp_path):
    raw = {"target": "y", "ids": ["store_id"], "split": SPLIT, "model": {"gates": {"leaf_count": False}}}
    spec, errors = build_spec("features", '"main"."features"', "ads", raw, wh)
    assert errors == [] and isinstance(spec.block, Block) and spec.block.model == raw["model"]
    config = spec.block.model_config(tmp_path)
    assert config.gates["leaf_count"]["enabled"] is False
    assert config.splits == {"train": "train", "valid": "valid", "predict": "predict"}


def test_a_bad_model_key_fails_with_the_model_config_message(tmp_path):
    block = read_block("features", {"target": "y", "split": SPLIT, "model": {"colour": "blue"}})
    with pytest.raises(ModelConfigError, match=r"features: meta.strataqc.model.colour is not a known key"):
        block.model_config(Path(tmp_path))


def test_model_quality_takes_the_block_as_read_and_says_what_is_missing(wh, tmp_path):
    pytest.importorskip("lightgbm")
    from strataqc.checks.model_quality import run_model_quality

    for config in ({"model": {}}, read_block("features", {"model": {}})):
        [record] = run_model_quality("features", '"main"."features"', config, wh, tmp_path)
        assert record.message == "features: meta.strataqc.target is needed for model quality (the column to forecast)"
    [record] = run_model_quality("features", '"main"."features"', ["model"], wh, tmp_path)
    assert record.message.startswith("features: meta.strataqc must be a mapping")
