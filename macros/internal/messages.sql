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

{#- The message of a test that found nothing to judge: `what` (a string, or message parts as for
    sql_message) says what is missing. Every test fails with it unless `allow_empty: true`: no rows
    or no values is not "no problems", and an empty load must not pass in silence. -#}
{% macro nothing_to_check(label, what) %}
  {%- set parts = [what] if (what is string or what is mapping) else (what | list) -%}
  {{ return([label ~ ': '] + parts + [', nothing to check (set allow_empty: true if that is expected)']) }}
{% endmacro %}
