{#- Rows of the write-audit-publish fixtures and their side relations as text, printed as one JSON
    line (`dbt run-operation wap_snapshot`): the same look on every engine, for the tests to hash. -#}
{% macro wap_snapshot(names) %}
  {%- set out = {} -%}
  {%- for name in names -%}
    {%- set model = ref(name.split('__')[0]) -%}
    {%- set relation = adapter.get_relation(model.database, model.schema, name) -%}
    {%- if relation is none -%}
      {%- do out.update({name: none}) -%}
    {%- else -%}
      {%- set table = run_query('select * from ' ~ relation) -%}
      {%- set rows = [] -%}
      {%- for row in table.rows %}{% do rows.append(row.values() | map('string') | join('\t')) %}{% endfor -%}
      {%- do out.update({name: {'columns': table.column_names | map('lower') | list, 'rows': rows}}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- do print('WAP_SNAPSHOT ' ~ tojson(out)) -%}
{% endmacro %}
