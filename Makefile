# StrataQC: every step a fresh machine needs is here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_ROWS ?= 200000
DEMO_SEED ?= 42
export DBT_PROFILES_DIR := $(CURDIR)/profiles
export STRATAQC_DUCKDB_PATH ?= $(CURDIR)/warehouse/strataqc.duckdb

.PHONY: setup demo test bench clean test-postgres test-spark test-spark-cluster docs

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test,ml]"
	touch $(STAMP)

demo: setup
	bash scripts/demo.sh

test: setup
	bash scripts/install-chromium.sh
	$(BIN)/pytest python/tests -q

# dbt-postgres and dbt-spark/pyspark only for the engine suites: `make test` stays DuckDB-only
ENGINES_STAMP := $(VENV)/.installed-engines
$(ENGINES_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install -q -e ".[test,ml,postgres,spark]"
	touch $(ENGINES_STAMP)

test-postgres: $(ENGINES_STAMP)
	bash scripts/postgres.sh test

test-spark: $(ENGINES_STAMP)
	bash scripts/spark.sh test

# a standalone master, worker and Thrift server on loopback; the `thrift` target reaches it
test-spark-cluster: $(ENGINES_STAMP)
	bash scripts/spark-cluster.sh test

# the SQL test reference in docs/sql-tests.md, from macros/generic_tests/*.yml
docs: setup
	$(BIN)/python scripts/gen_sql_reference.py

bench: setup
	bash bench/run.sh

clean:
	rm -rf target logs warehouse data reports
