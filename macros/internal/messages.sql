{#- A SQL text expression for a failing row's `message`. `parts` mixes plain
    strings (rendered as escaped literals, so names from YAML stay inert) and
    {'num': expr} / {'int': expr} / {'text': expr} for values computed by the query. -#}
{% macro sql_message(parts) %}
  {%- set out = [] -%}
  {%- for p in parts -%}
    {%- if p is mapping and 'num' in p -%}
      {%- do out.append("coalesce(" ~ strataqc.to_text(strataqc.round_number(p['num'], 4)) ~ ", 'NULL')") -%}
    {%- elif p is mapping and 'int' in p -%}
      {%- do out.append("coalesce(" ~ strataqc.to_text("cast(" ~ p['int'] ~ " as bigint)") ~ ", 'NULL')") -%}
    {%- elif p is mapping and 'text' in p -%}
      {%- do out.append("coalesce(" ~ strataqc.to_text(p['text']) ~ ", 'NULL')") -%}
    {%- else -%}
      {%- do out.append(strataqc.string_literal(p)) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return('(' ~ out | join(' || ') ~ ')') }}
{% endmacro %}

{% macro as_double(expr) %}
  {{ return('cast(' ~ expr ~ ' as ' ~ strataqc.type_double() ~ ')') }}
{% endmacro %}
