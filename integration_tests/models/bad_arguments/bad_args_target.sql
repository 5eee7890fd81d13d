-- the model the misconfigured tests point at (independent of failing fixtures)
select 1 as id, cast('1.5' as {{ strataqc.type_double() }}) as amount, 'ok' as note, cast('2024-03-01' as date) as day
