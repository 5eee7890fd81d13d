{#- The stored schema of a model: {column: family}. The first run records the
    current schema and returns it (so it passes); var strataqc_accept_schema: true
    re-records it after an intended change. Keyed by schema.identifier so a
    warehouse file or database rename keeps the baseline. -#}
{% macro schema_baseline(model, actual) %}
  {%- set table = strataqc.ensure_schema_baseline() -%}
  {%- set key = (model.schema ~ '.' ~ model.identifier) if model.identifier is defined else strataqc.relation_label(model) -%}
  {%- set key_lit = strataqc.string_literal(key | lower) -%}
  {%- if var('strataqc_accept_schema', false) -%}
    {%- do strataqc.write_and_commit('delete from ' ~ table ~ ' where model_key = ' ~ key_lit) -%}
  {%- endif -%}
  {%- set stored = run_query('select column_name, type_family from ' ~ table ~ ' where model_key = ' ~ key_lit) -%}
  {%- if stored | length > 0 -%}
    {%- set expected = {} -%}
    {%- for row in stored -%}{%- do expected.update({row[0]: row[1]}) -%}{%- endfor -%}
    {{ return(expected) }}
  {%- endif -%}
  {%- if actual -%}
    {%- set rows = [] -%}
    {%- for name, family in actual.items() -%}
      {%- do rows.append('select ' ~ key_lit ~ ', ' ~ strataqc.string_literal(name) ~ ', ' ~ strataqc.string_literal(family) ~ ', ' ~ strataqc.string_literal(family) ~ ', ' ~ strataqc.current_time()) -%}
    {%- endfor -%}
    {%- do strataqc.write_and_commit('insert into ' ~ table ~ ' (model_key, column_name, data_type, type_family, recorded_at) ' ~ rows | join(' union all ')) -%}
  {%- endif -%}
  {{ return(actual) }}
{% endmacro %}

{% macro write_and_commit(sql) %}
  {#- a test's transaction is rolled back when it ends: the baseline must outlive it.
      run_query() never opens a transaction, so commit() would find none to commit
      on engines with real transactions (PostgreSQL): statement() with auto_begin does. -#}
  {%- call statement('strataqc_schema_baseline_write', auto_begin=true) -%}{{ sql }}{%- endcall -%}
  {%- do adapter.commit() -%}
{% endmacro %}
