-- Every landed sales line is clean, rejected or a removed duplicate: a load where they do not add up fails.
select *
from {{ ref('dwd_sales__reconciliation') }}
where unexplained_rows <> 0
