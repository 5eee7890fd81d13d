{#- Seeds on Spark: dbt-spark's seed INSERT with every value an escaped literal. A host project
    opts in the same way as for create_csv_table (dispatch search order). -#}

{% macro spark__load_csv_rows(model, agate_table) %}
  {#- dbt-spark's session cursor pastes seed values between bare quotes (`'O'Brien'` breaks the
      INSERT): the values are rendered here as escaped Spark literals instead of bindings -#}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
    {%- set sql -%}
      insert into {{ this.render() }} values
      {% for row in chunk -%}
        ({%- for col_name in agate_table.column_names -%}
          {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
          {%- set value = row[loop.index0] -%}
          cast({{ 'null' if value is none else strataqc.spark__string_literal(value) }} as {{ type }})
          {%- if not loop.last %}, {% endif -%}
        {%- endfor -%})
        {%- if not loop.last %},{% endif %}
      {% endfor %}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- if loop.index0 == 0 -%}{%- do statements.append(sql) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(statements[0] if statements else '') }}
{% endmacro %}
