{#- Layer schemas are named after the layer (ods, dwd, dws, ads), not <target>_<layer>:
    the report and the Python checks find a layer by its schema. Only the root
    project's version of this macro is used, so a host project keeps its own. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
