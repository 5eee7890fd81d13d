{#- Argument checks shared by the tests. They run only when dbt executes, so
    parsing a project never queries the warehouse and one bad test does not
    stop the others from running. -#}

{% macro relation_label(model) %}
  {#- the model's name for messages, also when `where` wrapped it in a subquery -#}
  {%- if model is string -%}
    {#- the innermost relation read: before the first where, after the last from (a scoped test nests one) -#}
    {%- set inner = model.split(' where ')[0] -%}
    {%- set inner = inner.split(' from ')[-1] if ' from ' in inner else inner -%}
    {%- set inner = inner.split(' as strataqc_')[0] -%}
    {{ return(inner.split('.')[-1] | replace('"', '') | replace('`', '') | trim) }}
  {%- elif model.identifier is defined and model.identifier -%}
    {{ return(model.identifier) }}
  {%- endif -%}
  {{ return(model | string) }}
{% endmacro %}

{% macro check_label(test, model, column=none) %}
  {%- set label = 'strataqc.' ~ test ~ ' on ' ~ strataqc.relation_label(model) -%}
  {%- if column is not none -%}
    {%- set label = label ~ '.' ~ strataqc.unquote_name(column) -%}
  {%- endif -%}
  {{ return(label) }}
{% endmacro %}

{% macro unquote_name(name) %}
  {#- the column's own name: quote: true columns arrive wrapped in quotes by dbt,
      escaped ("a""b") or not ("a"b") -#}
  {%- set name = name | string -%}
  {%- if name | length > 1 and name[0] == '"' and name[-1] == '"' -%}
    {%- set inner = name[1:-1] -%}
    {{ return(inner | replace('""', '"') if '"' not in inner | replace('""', '') else inner) }}
  {%- endif -%}
  {#- Spark's adapter.quote() wraps in backticks -#}
  {%- if target.type == 'spark' and name | length > 1 and name[0] == '`' and name[-1] == '`' -%}
    {{ return(name[1:-1] | replace('``', '`')) }}
  {%- endif -%}
  {{ return(name) }}
{% endmacro %}

{% macro argument_error(label, argument, problem, fix) %}
  {{ exceptions.raise_compiler_error(label ~ ": argument `" ~ argument ~ "` " ~ problem ~ ". Fix: " ~ fix) }}
{% endmacro %}

{% macro is_plain_number(value) %}
  {{ return(value is number and value is not sameas true and value is not sameas false) }}
{% endmacro %}

{% macro require_number(label, argument, value, required=false, minimum=none, integer=false, example='1') %}
  {%- if value is none -%}
    {%- if required -%}
      {{ strataqc.argument_error(label, argument, 'is missing', 'add `' ~ argument ~ ': ' ~ example ~ '` under the test\'s arguments') }}
    {%- endif -%}
    {{ return(none) }}
  {%- endif -%}
  {%- if not strataqc.is_plain_number(value) or (integer and value != (value | int)) -%}
    {{ strataqc.argument_error(label, argument, 'must be ' ~ ('a whole number' if integer else 'a number') ~ ', got ' ~ (value | tojson),
       'write it unquoted, e.g. `' ~ argument ~ ': ' ~ example ~ '`') }}
  {%- endif -%}
  {%- if minimum is not none and value < minimum -%}
    {{ strataqc.argument_error(label, argument, 'must be at least ' ~ minimum ~ ', got ' ~ value, 'use a value >= ' ~ minimum) }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}

{% macro require_name(label, argument, value, required=true, example='my_column') %}
  {%- if value is none or (value is string and value | trim == '') -%}
    {%- if required -%}
      {{ strataqc.argument_error(label, argument, 'is missing', 'add `' ~ argument ~ ': ' ~ example ~ '` under the test\'s arguments') }}
    {%- endif -%}
    {{ return(none) }}
  {%- endif -%}
  {%- if value is not string -%}
    {{ strataqc.argument_error(label, argument, 'must be one column name, got ' ~ (value | tojson), 'write e.g. `' ~ argument ~ ': ' ~ example ~ '`') }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}

{% macro require_names(label, argument, value, required=false, example='[store_id, date_day]') %}
  {%- if value is none or value == [] -%}
    {%- if required -%}
      {{ strataqc.argument_error(label, argument, 'is missing or empty', 'add `' ~ argument ~ ': ' ~ example ~ '` under the test\'s arguments') }}
    {%- endif -%}
    {{ return([]) }}
  {%- endif -%}
  {%- if value is string or value is mapping or value is not iterable -%}
    {{ strataqc.argument_error(label, argument, 'must be a list of column names, got ' ~ (value | tojson), 'write it as a list, e.g. `' ~ argument ~ ': ' ~ example ~ '`') }}
  {%- endif -%}
  {%- for v in value -%}
    {%- if v is not string or v | trim == '' -%}
      {{ strataqc.argument_error(label, argument, 'holds ' ~ (v | tojson) ~ ', not a column name', 'list column names only, e.g. `' ~ argument ~ ': ' ~ example ~ '`') }}
    {%- endif -%}
  {%- endfor -%}
  {{ return(value | list) }}
{% endmacro %}

{% macro require_choice(label, argument, value, choices, default=none) %}
  {%- set value = default if value is none else value -%}
  {%- if value not in choices -%}
    {{ strataqc.argument_error(label, argument, 'must be one of ' ~ (choices | join(', ')) ~ ', got ' ~ (value | tojson), 'set `' ~ argument ~ ': ' ~ choices[0] ~ '`') }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}

{% macro require_bool(label, argument, value, default) %}
  {%- if value is none -%}{{ return(default) }}{%- endif -%}
  {%- if value is not sameas true and value is not sameas false -%}
    {{ strataqc.argument_error(label, argument, 'must be true or false, got ' ~ (value | tojson), 'write `' ~ argument ~ ': true` or `false`, unquoted') }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}

{% macro require_relation(label, argument, value) %}
  {#- a bare string would be pasted into SQL as-is: only ref()/source() results are accepted -#}
  {%- if value is none -%}
    {{ strataqc.argument_error(label, argument, 'is missing', 'add `' ~ argument ~ ": ref('upstream_model')` under the test's arguments") }}
  {%- endif -%}
  {%- if value is string or value.identifier is not defined -%}
    {{ strataqc.argument_error(label, argument, 'must be a ref() or source(), got ' ~ (value | string | tojson), "write `" ~ argument ~ ": ref('upstream_model')`") }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}

{% macro require_column_exists(label, argument, column, types) %}
  {#- types: column_types() of the model; an unknown column is named with the fix -#}
  {%- set key = strataqc.unquote_name(column) | lower -%}
  {%- if execute and types and key not in types -%}
    {{ strataqc.argument_error(label, argument, 'names column ' ~ (column | tojson) ~ ', which the model does not have',
       'use one of: ' ~ (types.keys() | list | sort | join(', '))) }}
  {%- endif -%}
  {{ return(types.get(key)) }}
{% endmacro %}

{% macro quote_all(names) %}
  {%- set quoted = [] -%}
  {%- for n in names %}{% do quoted.append(strataqc.quote_identifier(n)) %}{% endfor -%}
  {{ return(quoted) }}
{% endmacro %}
