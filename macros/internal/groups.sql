{#- Message parts naming the group a failing row belongs to, for tests with
    `group_by`: ' in group (a, b) = (x, NULL)'; nothing when there are no groups. -#}
{% macro group_message_parts(names, groups) %}
  {%- if not groups %}{{ return([]) }}{% endif -%}
  {%- set texts = [] -%}
  {%- for c in groups %}{% do texts.append("coalesce(" ~ strataqc.to_text(c) ~ ", 'NULL')") %}{% endfor -%}
  {{ return([' in group (' ~ names | join(', ') ~ ') = (', {'text': texts | join(" || ', ' || ")}, ')']) }}
{% endmacro %}

{#- A tolerated share, 0 when omitted: the `max_ratio` every ratio test takes. -#}
{% macro require_ratio(label, argument, value) %}
  {%- set value = strataqc.require_number(label, argument, value, minimum=0, example='0.01') -%}
  {{ return(0 if value is none else value) }}
{% endmacro %}
