{#- Physical type name -> family: integer, float, decimal, string, boolean,
    date, timestamp or other. The test-facing family `number` covers the
    first three (see `column_type`). -#}
{% macro type_family(data_type) %}
  {{ return(adapter.dispatch('type_family', 'strataqc')(data_type)) }}
{% endmacro %}

{% macro default__type_family(data_type) %}
  {%- set t = (data_type | string | lower | trim).split('(')[0] | trim -%}
  {%- if t in ['tinyint', 'smallint', 'integer', 'int', 'bigint', 'hugeint', 'utinyint',
               'usmallint', 'uinteger', 'ubigint', 'uhugeint', 'int2', 'int4', 'int8',
               'int16', 'int32', 'int64', 'long', 'short', 'byte', 'signed', 'serial', 'bigserial'] -%}
    {{ return('integer') }}
  {%- elif t in ['double', 'float', 'real', 'float4', 'float8', 'double precision'] -%}
    {{ return('float') }}
  {%- elif t in ['decimal', 'numeric', 'number'] -%}
    {{ return('decimal') }}
  {%- elif t in ['varchar', 'text', 'string', 'char', 'bpchar', 'character',
                 'character varying', 'nvarchar', 'uuid'] -%}
    {{ return('string') }}
  {%- elif t in ['boolean', 'bool', 'logical'] -%}
    {{ return('boolean') }}
  {%- elif t == 'date' -%}
    {{ return('date') }}
  {%- elif t.startswith('timestamp') or t in ['datetime', 'timestamptz'] -%}
    {{ return('timestamp') }}
  {%- endif -%}
  {{ return('other') }}
{% endmacro %}
