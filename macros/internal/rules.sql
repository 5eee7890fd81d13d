{#- Row-level conditions shared by the column tests and `column_checks`, so a
    rule means the same thing wherever it is written. `family` is the column's
    physical type family from type_family(). -#}

{% macro normalize_kinds(label, kinds) %}
  {#- an unquoted YAML null arrives as None and means the `null` kind -#}
  {%- if kinds is none -%}{{ return(['null', 'empty', 'nan', 'inf']) }}{%- endif -%}
  {%- if kinds is string or kinds is mapping or kinds is not iterable -%}
    {{ strataqc.argument_error(label, 'kinds', 'must be a list, got ' ~ (kinds | tojson), 'write e.g. `kinds: [null, empty, nan, inf]`') }}
  {%- endif -%}
  {%- set out = [] -%}
  {%- for k in kinds -%}
    {%- set k = 'null' if k is none else (k | string | lower) -%}
    {%- if k not in ['null', 'empty', 'nan', 'inf'] -%}
      {{ strataqc.argument_error(label, 'kinds', 'holds unknown kind ' ~ (k | tojson), 'use only null, empty, nan, inf') }}
    {%- endif -%}
    {%- if k not in out %}{% do out.append(k) %}{% endif -%}
  {%- endfor -%}
  {%- if not out -%}
    {{ strataqc.argument_error(label, 'kinds', 'is empty', 'list at least one of null, empty, nan, inf') }}
  {%- endif -%}
  {{ return(out) }}
{% endmacro %}

{% macro abnormal_condition(col, kinds, family) %}
  {%- set parts = [] -%}
  {%- set text_nan = "lower(trim(" ~ col ~ ")) = 'nan'" -%}
  {%- set text_inf = "lower(trim(" ~ col ~ ")) in ('inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity')" -%}
  {%- if 'null' in kinds %}{% do parts.append(col ~ ' is null') %}{% endif -%}
  {%- if 'empty' in kinds and family == 'string' %}{% do parts.append('trim(' ~ col ~ ") = ''") %}{% endif -%}
  {%- if 'nan' in kinds -%}
    {%- if family == 'float' %}{% do parts.append(strataqc.is_nan(col)) %}
    {%- elif family == 'string' %}{% do parts.append(text_nan) %}{% endif -%}
  {%- endif -%}
  {%- if 'inf' in kinds -%}
    {%- if family == 'float' %}{% do parts.append(strataqc.is_inf(col)) %}
    {%- elif family == 'string' %}{% do parts.append(text_inf) %}{% endif -%}
  {%- endif -%}
  {%- if not parts %}{{ return('(1 = 0)') }}{% endif -%}
  {{ return('coalesce(' ~ parts | join(' or ') ~ ', false)') }}
{% endmacro %}

{% macro normalize_range_args(label, args, family) %}
  {%- set temporal = family in ['date', 'timestamp'] -%}
  {%- set out = {
    'inclusive': strataqc.require_bool(label, 'inclusive', args.get('inclusive'), true),
    'allow_negative': strataqc.require_bool(label, 'allow_negative', args.get('allow_negative'), true),
    'allow_infinite': strataqc.require_bool(label, 'allow_infinite', args.get('allow_infinite'), false),
    'allow_nan': strataqc.require_bool(label, 'allow_nan', args.get('allow_nan'), false),
    'min_value': none, 'max_value': none} -%}
  {%- for bound in ['min_value', 'max_value'] -%}
    {%- set v = args.get(bound) -%}
    {%- if v is not none -%}
      {%- if temporal -%}
        {#- checked here so a typo is a compile error naming the argument, not a cast error at run time -#}
        {%- if v is not string or not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?$', v) -%}
          {{ strataqc.argument_error(label, bound, 'must be a date or timestamp text for this ' ~ family ~ ' column, got ' ~ (v | tojson), 'write it quoted, e.g. `' ~ bound ~ ': "2024-01-31"`') }}
        {%- endif -%}
        {%- do out.update({bound: 'cast(' ~ strataqc.string_literal(v) ~ ' as ' ~ ('date' if family == 'date' else dbt.type_timestamp()) ~ ')'}) -%}
      {%- else -%}
        {%- do out.update({bound: strataqc.require_number(label, bound, v, example='0') | string}) -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if args.get('min_value') is not none and args.get('max_value') is not none and not temporal
        and args.get('min_value') > args.get('max_value') -%}
    {{ strataqc.argument_error(label, 'min_value', 'is above max_value (' ~ args.get('min_value') ~ ' > ' ~ args.get('max_value') ~ ')', 'swap the bounds') }}
  {%- endif -%}
  {{ return(out) }}
{% endmacro %}

{% macro range_reason(col, r, family) %}
  {#- NaN sorts above +inf on some engines: classify NaN/inf before any bound -#}
  {%- set v = strataqc.try_cast(col, strataqc.type_double()) if family == 'string' else col -%}
  {%- set whens = [] -%}
  {%- if family in ['float', 'string'] -%}
    {%- do whens.append('when ' ~ strataqc.is_nan(v) ~ (" then null" if r.allow_nan else " then 'nan'")) -%}
    {%- do whens.append('when ' ~ strataqc.is_inf(v) ~ (" then null" if r.allow_infinite else " then 'infinite'")) -%}
  {%- endif -%}
  {%- if not r.allow_negative and family not in ['date', 'timestamp'] -%}
    {%- do whens.append('when ' ~ v ~ " < 0 then 'negative'") -%}
  {%- endif -%}
  {%- if r.min_value is not none -%}
    {%- do whens.append('when ' ~ v ~ (' < ' if r.inclusive else ' <= ') ~ r.min_value ~ " then 'below_min'") -%}
  {%- endif -%}
  {%- if r.max_value is not none -%}
    {%- do whens.append('when ' ~ v ~ (' > ' if r.inclusive else ' >= ') ~ r.max_value ~ " then 'above_max'") -%}
  {%- endif -%}
  {%- if not whens %}{{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}{% endif -%}
  {{ return('case ' ~ whens | join(' ') ~ ' end') }}
{% endmacro %}

{% macro normalize_allow(label, allow) %}
  {%- if allow is none %}{{ return([]) }}{% endif -%}
  {%- if allow is string or allow is mapping or allow is not iterable -%}
    {{ strataqc.argument_error(label, 'allow', 'must be a list, got ' ~ (allow | tojson), 'write e.g. `allow: [nbsp]` (classes: control, nbsp, zero_width, replacement_character, edge_blank) or single characters') }}
  {%- endif -%}
  {%- set classes = strataqc.special_character_patterns().keys() | list -%}
  {%- for a in allow -%}
    {%- if a is not string or (a not in classes and a | length != 1) -%}
      {{ strataqc.argument_error(label, 'allow', 'holds ' ~ (a | tojson) ~ ', neither a class nor one character', 'use ' ~ (classes | join(', ')) ~ ', or a single character such as "\\t"') }}
    {%- endif -%}
  {%- endfor -%}
  {{ return(allow | list) }}
{% endmacro %}

{% macro special_text(col, allow, family) %}
  {%- set ns = namespace(text=col if family == 'string' else strataqc.to_text(col)) -%}
  {#- single characters the user allows become a plain letter before matching:
      removing them would turn 'a ;' into 'a ' and invent an edge blank -#}
  {%- for a in allow if a | length == 1 -%}
    {%- set ns.text = 'replace(' ~ ns.text ~ ', ' ~ strataqc.string_literal(a) ~ ", 'x')" -%}
  {%- endfor -%}
  {{ return(ns.text) }}
{% endmacro %}

{#- One regex over every rejected class: clean values (nearly all of them) are
    settled by a single match instead of one per class. -#}
{% macro special_any(col, allow, family) %}
  {%- set parts = [] -%}
  {%- for name, pattern in strataqc.special_character_patterns().items() if name not in allow -%}
    {%- do parts.append('(?:' ~ pattern ~ ')') -%}
  {%- endfor -%}
  {%- if not parts %}{{ return('false') }}{% endif -%}
  {{ return(strataqc.regex_matches(strataqc.special_text(col, allow, family), strataqc.string_literal(parts | join('|')))) }}
{% endmacro %}

{% macro special_reason(col, allow, family) %}
  {%- set text = strataqc.special_text(col, allow, family) -%}
  {%- set whens = [] -%}
  {%- for name, pattern in strataqc.special_character_patterns().items() if name not in allow -%}
    {%- do whens.append('when ' ~ strataqc.regex_matches(text, strataqc.string_literal(pattern)) ~ ' then ' ~ strataqc.string_literal(name)) -%}
  {%- endfor -%}
  {%- if not whens %}{{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}{% endif -%}
  {{ return('case when not ' ~ strataqc.special_any(col, allow, family) ~ ' then null ' ~ whens | join(' ') ~ ' end') }}
{% endmacro %}

{% macro normalize_values(label, values) %}
  {%- if values is none or values is string or values is mapping or values is not iterable or values | length == 0 -%}
    {{ strataqc.argument_error(label, 'values', 'must be a non-empty list, got ' ~ (values | tojson), 'write e.g. `values: [food, drinks]`') }}
  {%- endif -%}
  {{ return(values | list) }}
{% endmacro %}

{% macro outside_values_condition(col, values, family) %}
  {#- text columns compare as text; elsewhere numbers stay numbers -#}
  {%- set lits = [] -%}
  {%- for v in values if v is not none -%}
    {%- if family != 'string' and strataqc.is_plain_number(v) -%}
      {%- do lits.append(v | string) -%}
    {%- elif family == 'boolean' and (v is sameas true or v is sameas false) -%}
      {%- do lits.append('true' if v else 'false') -%}
    {%- else -%}
      {%- do lits.append(strataqc.string_literal(v)) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if not lits %}{{ return('(' ~ col ~ ' is not null)') }}{% endif -%}
  {{ return('(' ~ col ~ ' is not null and ' ~ col ~ ' not in (' ~ lits | join(', ') ~ '))') }}
{% endmacro %}

{% macro not_castable_condition(col, type_name, family) %}
  {%- set text = col if family == 'string' else strataqc.to_text(col) -%}
  {{ return('(' ~ col ~ ' is not null and not ' ~ strataqc.is_castable(text, type_name) ~ ')') }}
{% endmacro %}
