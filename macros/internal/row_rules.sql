{#- Row-level conditions of the peer tests (expression_is_true, regex_match,
    regex_not_match, string_length), shared with `column_checks` so a rule
    means the same thing wherever it is written. Each returns a condition that
    is true for a failing row; NULL values are never failing (abnormal_value_ratio
    judges NULLs). -#}

{% macro normalize_expression(label, expression) %}
  {%- if expression is not string or expression | trim == '' -%}
    {{ strataqc.argument_error(label, 'expression', 'must be a SQL condition as text, got ' ~ (expression | tojson), 'write e.g. `expression: "amount >= 0"`') }}
  {%- endif -%}
  {#- the expression is project SQL like a model's; one statement only (a `;` inside a quoted name or text is fine) -#}
  {%- if ';' in modules.re.sub('\'[^\']*\'|"[^"]*"|`[^`]*`', '', expression) -%}
    {{ strataqc.argument_error(label, 'expression', 'holds a `;`', 'give one condition, without `;`') }}
  {%- endif -%}
  {{ return(expression) }}
{% endmacro %}

{% macro expression_false_condition(expression) %}
  {#- NULL is unknown, not false: the row is not counted (as dbt-utils does) -#}
  {{ return('not coalesce((' ~ expression ~ '), true)') }}
{% endmacro %}

{% macro normalize_patterns(label, pattern) %}
  {%- set patterns = [pattern] if pattern is string else pattern -%}
  {%- if patterns is none or patterns is mapping or patterns is not iterable or patterns | length == 0 -%}
    {{ strataqc.argument_error(label, 'pattern', 'must be a regular expression or a list of them, got ' ~ (pattern | tojson), 'write e.g. `pattern: "^[A-Z]{2}-[0-9]+$"`') }}
  {%- endif -%}
  {%- for p in patterns -%}
    {%- if p is not string or p == '' -%}
      {{ strataqc.argument_error(label, 'pattern', 'holds ' ~ (p | tojson) ~ ', not a regular expression', 'quote each pattern as text, e.g. `pattern: ["^a", "b$"]`') }}
    {%- endif -%}
  {%- endfor -%}
  {{ return(patterns | list) }}
{% endmacro %}

{% macro regex_condition(col, family, patterns, match_on, case_sensitive, negate) %}
  {#- patterns reach SQL only as string literals; (?i) is the one case flag RE2, Java and PostgreSQL AREs all read -#}
  {%- set text = col if family == 'string' else strataqc.to_text(col) -%}
  {%- set tests = [] -%}
  {%- for p in patterns -%}
    {%- do tests.append(strataqc.regex_matches(text, strataqc.string_literal(p if case_sensitive else '(?i)' ~ p))) -%}
  {%- endfor -%}
  {%- set matched = '(' ~ tests | join(' or ' if match_on == 'any' else ' and ') ~ ')' -%}
  {{ return('(' ~ col ~ ' is not null and ' ~ ('' if negate else 'not ') ~ matched ~ ')') }}
{% endmacro %}

{% macro normalize_lengths(label, min_length, max_length) %}
  {%- set lo = strataqc.require_number(label, 'min_length', min_length, minimum=0, integer=true, example='1') -%}
  {%- set hi = strataqc.require_number(label, 'max_length', max_length, minimum=0, integer=true, example='40') -%}
  {%- if lo is none and hi is none -%}
    {{ strataqc.argument_error(label, 'min_length', 'is missing, and so is `max_length`', 'give at least one bound, e.g. `max_length: 40`') }}
  {%- endif -%}
  {%- if lo is not none and hi is not none and lo > hi -%}
    {{ strataqc.argument_error(label, 'min_length', 'is above max_length (' ~ lo ~ ' > ' ~ hi ~ ')', 'swap the bounds') }}
  {%- endif -%}
  {{ return({'min_length': lo, 'max_length': hi}) }}
{% endmacro %}

{% macro length_condition(col, family, bounds) %}
  {%- set n = 'length(' ~ (col if family == 'string' else strataqc.to_text(col)) ~ ')' -%}
  {%- set parts = [] -%}
  {%- if bounds.min_length is not none %}{% do parts.append(n ~ ' < ' ~ bounds.min_length) %}{% endif -%}
  {%- if bounds.max_length is not none %}{% do parts.append(n ~ ' > ' ~ bounds.max_length) %}{% endif -%}
  {{ return('(' ~ col ~ ' is not null and (' ~ parts | join(' or ') ~ '))') }}
{% endmacro %}
