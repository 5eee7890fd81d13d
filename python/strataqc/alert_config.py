"""The alert configuration: channels, thresholds of news, delivery; read from YAML or the environment.

See strataqc.alerts for what each setting means (its docstring is the reference).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

from strataqc.results import Status

CONFIG_NAME = "strataqc_alerts.yml"
ENV_URLS = "STRATAQC_ALERT_URLS"
ALERTING = {"fail": {Status.FAIL, Status.ERROR}, "warn": {Status.FAIL, Status.ERROR, Status.WARN}}
SECRET_QUERY = re.compile(r"pass|secret|token|key|auth|sig", re.IGNORECASE)
ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class AlertConfigError(Exception):
    """The alert configuration is wrong; the message names the file and the fix."""


@dataclass(frozen=True)
class Channel:
    name: str
    url: str = field(repr=False)  # may hold a token: never logged, never spooled


@dataclass
class AlertConfig:
    channels: list[Channel] = field(default_factory=list)
    reminder_hours: float = 24.0
    min_status: str = "fail"
    retries: int = 2
    retry_delay_s: float = 1.0
    timeout_s: float = 10.0
    spool_dir: Path = Path("reports/alert-spool")
    dashboard_url: str | None = None
    env_secrets: list[str] = field(default_factory=list, repr=False)
    change_tolerance: float = 0.10  # relative move of a failure's value that makes it "changed"
    flap_hours: float = 96.0  # a fixed failure failing again before passing this long is a repeat
    fixed_alone: bool = False  # a fix waits for the next message instead of sending its own
    remind_alone: bool = False  # a due reminder waits for the next message with news instead of sending its own
    trend_host_values: bool = False  # trend values that measure the host (inference latency)
    crossing_margin: float = 0.10  # a new failure within this share of its threshold, after a milder night, crept

    def secrets(self) -> list[str]:
        """Values to mask wherever text leaves StrataQC."""
        found = list(self.env_secrets)
        for channel in self.channels:
            found.append(channel.url)
            parts = urlsplit(channel.url)
            found += [p for p in (parts.password, parts.username) if p]
            found += [seg for seg in parts.path.split("/") if len(seg) >= 12]  # tokens in the path
            found += [v for k, v in parse_qsl(parts.query) if SECRET_QUERY.search(k)]
        return found


def _inline_url(name: str, url: str, source: Path, secrets: list[str]) -> str:
    """An inline URL may carry secrets only as ${ENV} references."""
    parts = urlsplit(url)
    # a secret-looking part is fine only when it is an ${ENV} reference
    literal = [v for k, v in parse_qsl(parts.query) if SECRET_QUERY.search(k)]
    literal += [parts.password] if parts.password else []
    if any(not ENV_REF.fullmatch(v) for v in literal):
        raise AlertConfigError(f"{source}: channel '{name}' has a secret inline; write it as ${{VAR}} or use "
                               f"url_env, and export the variable")

    def resolve(match: re.Match[str]) -> str:
        value = os.environ.get(match.group(1))
        if value is None:
            raise AlertConfigError(f"{source}: channel '{name}' needs the environment variable {match.group(1)}")
        secrets.append(value)
        return value

    return ENV_REF.sub(resolve, url)


def load_config(path: Path | None, project_dir: Path) -> AlertConfig | None:
    """The alert config from `path`, the project's strataqc_alerts.yml, or STRATAQC_ALERT_URLS; None if none."""
    source = path or Path(project_dir) / CONFIG_NAME
    data: dict[str, Any] = {}
    if path is not None and not path.exists():
        raise AlertConfigError(f"{path} not found: pass an existing alert config or leave --alerts out")
    if source.exists():
        try:
            data = yaml.safe_load(source.read_text()) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise AlertConfigError(f"{source} is not valid YAML{where}: {getattr(exc, 'problem', None) or exc}; "
                                   "fix it (see examples/strataqc_alerts.yml)") from exc
        if not isinstance(data, dict):
            raise AlertConfigError(f"{source}: expected a mapping with 'channels'")
    channels, secrets = [], []
    for i, entry in enumerate(data.get("channels") or []):
        name = str(entry.get("name") or f"channel-{i + 1}")
        if entry.get("url_env"):
            url = os.environ.get(str(entry["url_env"]))
            if not url:
                raise AlertConfigError(f"{source}: channel '{name}' reads its URL from ${entry['url_env']}, "
                                       "which is not set: export it")
        elif entry.get("url"):
            url = _inline_url(name, str(entry["url"]), source, secrets)
        else:
            raise AlertConfigError(f"{source}: channel '{name}' needs url_env or url")
        channels.append(Channel(name, url))
    for i, url in enumerate(re.split(r"[\s,]+", os.environ.get(ENV_URLS, "").strip())):
        if url:
            channels.append(Channel(f"{ENV_URLS.lower()}-{i + 1}", url))
    if not channels and not source.exists():
        return None
    min_status = str(data.get("min_status", "fail"))
    if min_status not in ALERTING:
        raise AlertConfigError(f"{source}: min_status must be fail or warn, not {min_status!r}")
    try:
        return AlertConfig(channels=channels, reminder_hours=float(data.get("reminder_hours", 24)),
                           min_status=min_status, retries=max(int(data.get("retries", 2)), 0),
                           retry_delay_s=float(data.get("retry_delay_s", 1.0)),
                           timeout_s=float(data.get("timeout_s", 10)),
                           spool_dir=Path(data.get("spool_dir") or Path(project_dir) / "reports" / "alert-spool"),
                           dashboard_url=data.get("dashboard_url"), env_secrets=secrets,
                           change_tolerance=_non_negative(data.get("change_tolerance", 0.10), "change_tolerance"),
                           flap_hours=_non_negative(data.get("flap_hours", 96), "flap_hours"),
                           fixed_alone=_flag(data.get("fixed_alone", False), "fixed_alone"),
                           remind_alone=_flag(data.get("remind_alone", False), "remind_alone"),
                           trend_host_values=_flag(data.get("trend_host_values", False), "trend_host_values"),
                           crossing_margin=_non_negative(data.get("crossing_margin", 0.10), "crossing_margin"))
    except (TypeError, ValueError) as exc:
        raise AlertConfigError(f"{source}: {exc}") from exc


def _non_negative(value: Any, name: str) -> float:
    number = float(value)
    if not number >= 0:
        raise ValueError(f"{name} must be a number >= 0, not {value!r}")
    return number


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value
