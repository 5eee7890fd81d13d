"""Rewrite dbt-utils and dbt-expectations tests in schema YAML as StrataQC tests.

The YAML is read and written round-trip (ruamel.yaml): comments, key order,
quoting and each test's `config:` stay as they were; only the test's name and
its arguments change. A test with no equivalent is left untouched and
reported with the reason (docs/migration.md has the full table).

    >>> rule = translate("dbt_utils.accepted_range", {"min_value": 0, "inclusive": False}, "column")
    >>> rule.test, [(name, value) for name, value, _ in rule.args]
    ('strataqc.value_range', [('min_value', 0), ('inclusive', False)])
"""

from __future__ import annotations

from strataqc.migrate.rule import Translation, Untranslatable
from strataqc.migrate.schema_yaml import FileMigration, MigrationError, Skipped, migrate_paths, migrate_text
from strataqc.migrate.translate import RULES, translate

__all__ = ["RULES", "FileMigration", "MigrationError", "Skipped", "Translation", "Untranslatable",
           "migrate_paths", "migrate_text", "translate"]
