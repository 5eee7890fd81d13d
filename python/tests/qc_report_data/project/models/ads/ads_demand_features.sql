select * from {{ ref('dws_broken') }}
