{#- Seeds on Spark: dbt-spark's seed table DDL with one type rewritten. A host project
    opts in with `dispatch: [{macro_namespace: dbt, search_order: [<project>, strataqc, dbt]}]`. -#}

{% macro spark__create_csv_table(model, agate_table) %}
  {#- Spark refuses a `varchar` without a length (DATATYPE_MISSING_SIZE), the spelling seeds use on
      DuckDB and PostgreSQL for unbounded text: it becomes Spark's `string` -#}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {#- rewritten in place: dbt-spark's load_csv_rows casts every value with the same types next -#}
  {%- for name, type in column_override.items() -%}
    {%- if (type | string | lower | trim) in ['varchar', 'text'] -%}{%- do column_override.update({name: 'string'}) -%}{%- endif -%}
  {%- endfor -%}
  {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
  {% set sql %}
    create table {{ this.render() }} (
        {%- for col_name in agate_table.column_names -%}
            {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
            {%- set type = column_override.get(col_name, inferred_type) -%}
            {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }} {{ type }} {%- if not loop.last -%}, {%- endif -%}
        {%- endfor -%}
    )
    {{ file_format_clause() }}
    {{ partition_cols(label="partitioned by") }}
    {{ clustered_cols(label="clustered by") }}
    {{ location_clause() }}
    {{ comment_clause() }}
  {% endset %}
  {% call statement('_') -%}
    {{ sql }}
  {%- endcall %}
  {{ return(sql) }}
{% endmacro %}
