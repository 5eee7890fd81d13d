{#- A generic test at the wrong level: dbt passes a column-level test no
    column_name at model level, and a model-level test an unexpected
    column_name under a column. Either is that test's compile error, naming
    the test, the model and where the test belongs; parsing is left alone so
    the rest of the project still runs. -#}

{% macro require_model_level(test, model, kwargs) %}
  {%- set column_name = kwargs.get('column_name') -%}
  {%- if execute and column_name is not none -%}
    {{ exceptions.raise_compiler_error(strataqc.check_label(test, model) ~ ": is a model-level test but is listed under column "
       ~ strataqc.unquote_name(column_name) ~ ". Fix: move it to the model's own data_tests (beside `columns:`), "
       ~ "naming the column in its arguments") }}
  {%- endif -%}
{% endmacro %}

{% macro require_column_level(test, model, column_name) %}
  {%- if execute and (column_name is not defined or column_name is none) -%}
    {{ exceptions.raise_compiler_error(strataqc.check_label(test, model) ~ ": is a column-level test but is listed in the "
       ~ "model's own data_tests. Fix: move it under the column it checks (`columns: - name: <column>` then "
       ~ "`data_tests:`), or list it as a rule of strataqc.column_checks") }}
  {%- endif -%}
{% endmacro %}
