{#- Cast that yields NULL instead of failing on a value that does not convert. -#}
{% macro try_cast(expr, sql_type) %}
  {{ return(adapter.dispatch('try_cast', 'strataqc')(expr, sql_type)) }}
{% endmacro %}

{% macro default__try_cast(expr, sql_type) %}
  {{ return('try_cast(' ~ expr ~ ' as ' ~ sql_type ~ ')') }}
{% endmacro %}

{% macro postgres__try_cast(expr, sql_type) %}
  {#- PostgreSQL 15 has no try_cast and no pg_input_is_valid(): a PL/pgSQL function catches the
      cast error (`strataqc_try_cast`, created once per schema by `postgres__ensure_try_cast`) -#}
  {%- set fn = strataqc.postgres__ensure_try_cast() -%}
  {%- set sql_type = 'double precision' if sql_type | lower == 'double' else sql_type -%}
  {{ return(fn ~ '(cast(' ~ expr ~ ' as text), cast(null as ' ~ sql_type ~ '))') }}
{% endmacro %}

{% macro postgres__ensure_try_cast() %}
  {%- set fn = adapter.quote(target.schema) ~ '.strataqc_try_cast' -%}
  {%- if execute -%}
    {%- call statement('strataqc_try_cast_ddl') -%}
      create schema if not exists {{ adapter.quote(target.schema) }};
      -- a concurrent creator may win the race: either way the function exists afterwards
      do $ddl$ begin
        create function {{ fn }}(value text, inout result anyelement) language plpgsql immutable as $fn$
        begin
          execute format('select cast(%L as %s)', value, pg_typeof(result)) into result;
        exception when others then
          result := null;
        end $fn$;
      exception when duplicate_function or unique_violation then null;
      end $ddl$;
    {%- endcall -%}
    {#- tests roll their transaction back; the function must be committed to stay -#}
    {%- do adapter.commit() -%}
  {%- endif -%}
  {{ return(fn) }}
{% endmacro %}
