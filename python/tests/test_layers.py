"""layer_of: one rule (layer = folder under models/) for SQL records, Python checks and model quality."""

import pytest

from strataqc.layers import layer_of, layer_rank


@pytest.mark.parametrize(("node", "layer"), [
    pytest.param({"original_file_path": "models/ads/ads_x.sql"}, "ads", id="layer-folder"),
    pytest.param({"original_file_path": "models/marts/ads/ads_x.sql", "path": "marts/ads/ads_x.sql",
                  "fqn": ["strataqc", "marts", "ads", "ads_x"]}, "ads", id="nested-layer-under-marts"),
    pytest.param({"path": "marts/ads/ads_x.sql"}, "ads", id="nested-from-path-alone"),
    pytest.param({"fqn": ["strataqc", "marts", "ads", "ads_x"]}, "ads", id="nested-from-fqn-alone"),
    pytest.param({"original_file_path": "models/dws/sub/dws_x.sql"}, "dws", id="layer-above-subfolder"),
    pytest.param({"original_file_path": "models/staging/stg_x.sql"}, "staging", id="other-folder-is-its-layer"),
    pytest.param({"original_file_path": "models/top.sql", "path": "top.sql", "fqn": ["strataqc", "top"]}, None,
                 id="no-folder-no-layer"),
    pytest.param({"original_file_path": "seeds/dwd/map.csv", "path": "dwd/map.csv"}, "dwd", id="seed-folder"),
    pytest.param({"original_file_path": "seeds/store_regions.csv", "path": "store_regions.csv",
                  "resource_type": "seed", "fqn": ["strataqc", "store_regions"]}, "seeds", id="seed-at-top"),
    pytest.param({"relation_name": '"db"."ads"."ads_x"'}, "ads", id="relation-schema"),
    pytest.param({"relation_name": '"db"."main"."ads_x"'}, None, id="relation-schema-not-a-layer"),
    pytest.param({}, None, id="nothing-known"),
])
def test_layer_of_nested_folders_and_fallbacks(node, layer):
    assert layer_of(node) == layer


def test_layer_of_agrees_whichever_field_dbt_gives():
    nested = {"original_file_path": "models/marts/ads/x.sql", "path": "marts/ads/x.sql",
              "fqn": ["strataqc", "marts", "ads", "x"], "relation_name": '"db"."ads"."x"'}
    answers = {layer_of({key: nested[key]}) for key in nested}
    assert answers == {"ads"}


def test_layer_rank_orders_ods_to_ads_then_others():
    assert sorted(["ads", None, "ods", "dws", "dwd", "staging"], key=layer_rank)[:4] == ["ods", "dwd", "dws", "ads"]


def test_layer_rank_puts_what_feeds_ods_first():
    assert sorted(["dwd", "seeds", "ads", "source", "ods"], key=layer_rank)[2:] == ["ods", "dwd", "ads"]
