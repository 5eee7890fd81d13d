"""One old test to its StrataQC test, by the rules of both packages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strataqc.migrate import dbt_expectations, dbt_utils
from strataqc.migrate.rule import Args, Translation, Untranslatable

RULES: dict[str, Callable[[Args], Translation]] = {**dbt_utils.RULES, **dbt_expectations.RULES}


def translate(test: str, args: dict[str, Any], level: str, column: str | None = None) -> Translation:
    """The StrataQC test for one old test, or Untranslatable with the reason."""
    rule = RULES.get(test)
    if rule is None:
        raise Untranslatable("not a test of dbt-utils 1.x or dbt-expectations this tool knows")
    a = Args(args, level, column)
    result = rule(a)
    leftover = a.leftover()
    # the rules that can take it as `where` did; anywhere else it is reported, never dropped
    if a.has("row_condition") and result.where is None and "row_condition" not in leftover:
        leftover.append("row_condition")
    if leftover:
        raise Untranslatable("argument(s) " + ", ".join(f"`{k}`" for k in leftover) + " have no equivalent")
    return result
