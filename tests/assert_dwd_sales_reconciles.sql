-- Every landed sales line is clean, rejected or a removed duplicate: a load where they do not add up fails.
-- One row per load: an incremental night reads the loads it reconciled (strataqc.scoped).
select *
from {{ strataqc.scoped(ref('dwd_sales__reconciliation')) }} as reconciliation
where unexplained_rows <> 0
