-- two of the hostile rows, one per group: a `where` in YAML would be engine SQL
-- (Spark reads "k'ey" as text), so the subset is a model
select * from ({{ hostile_rows() }}) landed_rows
where {{ strataqc.quote_identifier("k'ey") }} in (1, 4)
