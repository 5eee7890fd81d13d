{#- dbt builds every generic test's `model` argument with get_where_subquery (it applies the
    test's `where`). StrataQC's version also narrows it to the rows this run wrote when the tested
    model is scoped (see scope_watermark.sql), by what the test needs:
      row tests          the new rows
      key tests          every row whose key occurs among the new rows (new keys against existing keys)
      continuity tests   the new rows plus their edge (each series' last period before them, or the
                         periods a run or a change ratio looks back)
      any other test     the whole table (totals, reconciliations, recency, volume, schema)
    A test opts out with config `strataqc_scope: whole_table`. A host project routes dbt's macro here
    with `dispatch: [{macro_namespace: dbt, search_order: [<project>, strataqc, dbt]}]`. -#}
{% macro default__get_where_subquery(relation) -%}
  {%- set where = config.get('where', '') -%}
  {{ return(strataqc.scoped_relation(relation, where)) }}
{%- endmacro %}
