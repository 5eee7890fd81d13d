"""dbt's Jinja macros compiled once and kept between nights, in the child that runs `dbt build`.

A dbt process compiles each macro it calls from its source the first time it renders it: Jinja's
parser and code generator, in Python, for the same few hundred macros every night (a 10M night's
`dbt build`: about 1.5 s of its 8, under the interpreter lock). The child keeps the compiled code
in Jinja's own bytecode cache, one file per template in `strataqc-templates/` under dbt's target
directory, beside dbt's partial parse. A template's key is its source, its name and what Jinja's
code generator reads from the environment (class, extensions, delimiters, filters and tests); a
changed macro has another key, and Jinja refuses code written by another Jinja or Python. The cache
is an economy: one that cannot be read or written is ignored, and the macro is compiled.
"""

from __future__ import annotations

import atexit
import hashlib
from pathlib import Path
from types import CodeType
from typing import Any

CACHE_DIR = "strataqc-templates"
PATTERN = "%s.jinja"
KEEP_UNUSED = 200   # templates a night did not use that stay (another command's); more are removed


def _pass_arg(function: Any) -> str:
    marker = getattr(function, "jinja_pass_arg", None)
    return getattr(marker, "name", "") if marker is not None else ""


def signature(env: Any) -> str:
    """What Jinja's code generation reads from the environment besides the source."""
    finalize = env.finalize
    parts = (
        type(env).__module__, type(env).__qualname__, env.code_generator_class.__qualname__,
        sorted(env.extensions), env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
        env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
        env.keep_trailing_newline, env.optimized, env.is_async,
        env.autoescape if isinstance(env.autoescape, bool) else "callable",
        None if finalize is None else (getattr(finalize, "__qualname__", ""), _pass_arg(finalize)),
        sorted((name, _pass_arg(f)) for name, f in env.filters.items()),
        sorted((name, _pass_arg(f)) for name, f in env.tests.items()),
        sorted(getattr(env, "intercepted_binops", ())), sorted(getattr(env, "intercepted_unops", ())),
    )
    return repr(parts)


_installed: list[Path] = []   # a process compiles through one cache


def install(target_dir: Path) -> bool:
    """Compile dbt's templates through the cache in `target_dir` (once a process; the first one stays);
    False when dbt or the cache is not there."""
    if _installed:
        return True
    try:
        from dbt_common.clients import jinja as dbt_jinja
        from jinja2.bccache import FileSystemBytecodeCache
    except ImportError:
        return False
    directory = target_dir / CACHE_DIR
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    cache = FileSystemBytecodeCache(str(directory), PATTERN)
    used: set[str] = set()
    compile_source = dbt_jinja.MacroFuzzEnvironment.compile

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):  # Jinja's signature
        # dbt's --macro-debugging names each template's code after a file of its own
        if raw or not isinstance(source, str) or dbt_jinja.MACRO_DEBUGGING:
            return compile_source(self, source, name, filename, raw, defer_init)
        key = hashlib.sha256(repr((signature(self), name, filename, defer_init)).encode() + source.encode()).hexdigest()
        try:
            bucket = cache.get_bucket(self, key, None, source)
        except (OSError, ValueError, EOFError):
            return compile_source(self, source, name, filename, raw, defer_init)
        used.add(PATTERN % bucket.key)
        if isinstance(bucket.code, CodeType):
            return bucket.code
        code = compile_source(self, source, name, filename, raw, defer_init)
        bucket.code = code
        try:
            cache.set_bucket(bucket)
        except (OSError, ValueError):
            pass
        return code

    dbt_jinja.MacroFuzzEnvironment.compile = compile
    _installed.append(directory)
    atexit.register(prune, directory, used)
    return True


def prune(directory: Path, used: set[str]) -> None:
    """Remove the templates this run did not use once they outnumber KEEP_UNUSED (changed macros')."""
    try:
        unused = [p for p in directory.glob(PATTERN % "*") if p.name not in used]
    except OSError:
        return
    if len(unused) <= KEEP_UNUSED:
        return
    for path in unused:
        try:
            path.unlink(missing_ok=True)
        except OSError:   # at the process's exit: a file that stays costs nothing
            pass
