"""dbt's manifest, read by the child while the night's landing files still load.

Before it builds anything, `dbt build` reads the project: its partial parse, the manifest it
rebuilds from it, the manifest it writes (a second of a night, under the interpreter lock). None
of that reads the warehouse, so the child does it as soon as the night has decided dbt's
arguments, while the load writes the warehouse in the night's own process: a `dbt parse` of the
same project, whose manifest the build then runs on (dbt's `dbtRunner(manifest=...)`). The
parse writes no `manifest.json` (a third of its time): the build writes it at its end, as it
always does, with the compiled code the report reads; what dbt's plugins derive from the
manifest is still written after the parse, as dbt's parse writes it. The parse says only its
warnings and errors; a parse that fails ends the child there, with dbt's error already said, as
the build would have. Arguments this module does not know leave the build to parse for itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

# build's options that decide what parse reads, each with one value
SHARED = frozenset({"--project-dir", "--profiles-dir", "--target-path", "--target", "-t", "--profile", "--vars",
                    "--log-path", "--warn-error-options"})
SHARED_FLAGS = frozenset({"--partial-parse", "--no-partial-parse", "--warn-error", "--no-warn-error",
                          "--use-colors", "--no-use-colors", "--debug", "--no-debug"})
# build's own options (parse takes none of them): flags, options with one value, selections with several
BUILD_FLAGS = frozenset({"--full-refresh", "-f", "--no-full-refresh", "--fail-fast", "-x", "--no-fail-fast",
                         "--store-failures", "--empty", "--no-empty", "--defer", "--no-defer", "--favor-state",
                         "--no-favor-state"})
BUILD_VALUED = frozenset({"--threads", "--selector", "--indirect-selection", "--state", "--defer-state",
                          "--event-time-start", "--event-time-end", "--sample"})
BUILD_SELECTIONS = frozenset({"--select", "-s", "--models", "-m", "--exclude", "--resource-type",
                              "--resource-types", "--exclude-resource-type", "--exclude-resource-types"})
# on the console the build says the rest; the log file keeps its own level (dbt's default: debug)
CONSOLE = ["--log-level", "warn"]
NO_JSON = ["--no-write-json"]   # the build writes manifest.json at its end
FILE_DEFAULT = ["--log-level-file", "debug"]


def option(args: list[str], name: str) -> str | None:
    """The value of `name` in dbt's arguments (`--name value` or `--name=value`), or None."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg[len(name) + 1:]
    return None


def parse_arguments(args: list[str]) -> list[str] | None:
    """`dbt parse`'s arguments for the project `dbt build <args>` builds, or None for another command
    or an argument not known here."""
    if not args or args[0] != "build":
        return None
    kept, i = ["parse"], 1
    while i < len(args):
        arg = args[i]
        name = arg.split("=", 1)[0]
        given = "=" in arg
        if name in SHARED:
            if not given and i + 1 >= len(args):
                return None
            kept += [arg] if given else [arg, args[i + 1]]
            i += 1 if given else 2
        elif arg in SHARED_FLAGS:
            kept.append(arg)
            i += 1
        elif arg in BUILD_FLAGS:
            i += 1
        elif name in BUILD_VALUED:
            i += 1 if given else 2
        elif name in BUILD_SELECTIONS:
            i += 1
            if not given:
                while i < len(args) and not args[i].startswith("-"):
                    i += 1
        else:
            return None
    file_level = [] if os.environ.get("DBT_LOG_LEVEL_FILE") else FILE_DEFAULT
    return kept + NO_JSON + CONSOLE + file_level


@dataclass
class Ahead:
    """A build whose manifest is read: `run()` builds on it; `failed` is a parse's exit, the build's too."""

    args: list[str]
    manifest: Any = None
    failed: int | None = None

    def run(self) -> int:
        if self.failed is not None:
            return self.failed
        from dbt.cli.main import dbtRunner

        return exit_code(dbtRunner(manifest=self.manifest).invoke(self.args))


def prepare(args: list[str]) -> Ahead | None:
    """Parse the project `dbt build <args>` builds; None when the build must parse for itself."""
    parse = parse_arguments(args)
    if parse is None:
        return None
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(parse)
    if result.success and result.result is not None:
        try:
            _plugin_artifacts(result.result)
        except Exception:  # the build parses for itself, and says what the plugin raised
            return None
        return Ahead(args, manifest=result.result)
    return Ahead(args, failed=exit_code(result))


def _plugin_artifacts(manifest: Any) -> None:
    """What dbt's plugins derive from the manifest, written as a parse that writes JSON writes it."""
    from dbt import plugins

    if plugins.PLUGIN_MANAGER is not None:
        for path, artifact in plugins.PLUGIN_MANAGER.get_manifest_artifacts(manifest).items():
            artifact.write(path)


def exit_code(result: Any) -> int:
    """dbt's exit for a dbtRunner result: 0 success, 1 a node failed, 2 dbt could not run (said on stdout)."""
    if result.success:
        return 0
    if result.exception is None:
        return 1
    from dbt.cli.exceptions import DbtInternalException, DbtUsageException

    if isinstance(result.exception, (DbtUsageException, DbtInternalException)):
        print(result.exception, flush=True)   # dbt's command line says these itself; its runner does not
    return 2
