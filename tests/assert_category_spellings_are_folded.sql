-- A spelling in the map that is not folded the way dwd_sku folds a landed category
-- (lower case, trimmed, no hyphens) can never match: the rows returned are dead entries.
select spelling, category
from {{ ref('category_spellings') }}
where spelling <> lower(trim(replace(spelling, '-', '')))
