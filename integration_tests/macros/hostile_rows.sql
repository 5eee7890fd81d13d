{#- Rows of the hostile fixtures: column names and values that try to close a
    quote, end the statement or open a comment. Two models select them, so the
    compared side does not wait on (or get skipped by) the first one's failing tests. -#}
{% macro hostile_rows() %}
select
  id as {{ strataqc.quote_identifier("k'ey") }},
  cast(day_text as date) as {{ strataqc.quote_identifier('d"ate') }},
  cast(amount as {{ strataqc.type_double() }}) as {{ strataqc.quote_identifier('v;al') }},
  grp as {{ strataqc.quote_identifier('g--rp') }},
  txt as {{ strataqc.quote_identifier('t/*xt') }},
  txt as {{ strataqc.quote_identifier('q"uoted') }}
from (
  select 1 as id, '2024-03-01' as day_text, '10' as amount, 'a' as grp, {{ strataqc.string_literal("O'Brien") }} as txt
  union all select 2, '2024-03-02', '10', 'a', {{ strataqc.string_literal("x'); drop table orders; --") }}
  union all select 3, '2024-03-03', '10', 'a', {{ strataqc.string_literal('a"b; /* c */') }}
  union all select 4, '2024-03-01', '10', 'b', {{ strataqc.string_literal("--") }}
  union all select 5, '2024-03-02', '10', 'b', {{ strataqc.string_literal("*/ or 1=1") }}
  union all select 6, '2024-03-03', '10', 'b', {{ strataqc.string_literal("plain") }}
) landed
{% endmacro %}
