-- A view over a Parquet file written by pyarrow (python/tests/test_sql_generic_tests.py writes it):
-- the file's min/max statistics leave NaN out, and DuckDB folds NaN tests from them (duckdb#25521)
{{ config(materialized='view', enabled=target.type in ['duckdb', 'spark']) }}
select id, amount from {{ nan_parquet_relation(env_var('STRATAQC_IT_NAN_PARQUET', 'nan_amounts.parquet')) }}
