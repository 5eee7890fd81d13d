{#- Post-hook of `ads_demand_features`: the rows more than `valid_days` before the last day are train.
    On a full refresh nothing changes; on a night, the day(s) that left the valid window. The literal
    bound and the split's own statistics keep the scan to the few blocks that still hold 'valid'. -#}
{% macro demo_relabel_train(relation, valid_days=21) %}
  {{ return(adapter.dispatch('demo_relabel_train', 'strataqc')(relation, valid_days)) }}
{% endmacro %}

{% macro default__demo_relabel_train(relation, valid_days) %}
  {%- set last_train = strataqc.demo_days_before_last(relation, 'date_day', valid_days) -%}
  {%- if last_train is none -%}{{ return('') }}{%- endif -%}
  {{ return('update ' ~ relation ~ " set dataset_split = 'train' where dataset_split = 'valid' and date_day <= cast("
            ~ strataqc.string_literal(last_train) ~ ' as date)') }}
{% endmacro %}

{#- Spark: the model rebuilds every day a label can change on (`spark__demo_rebuild_days`) -#}
{% macro spark__demo_relabel_train(relation, valid_days) %}
  {{ return('') }}
{% endmacro %}
