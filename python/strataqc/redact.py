"""Keep secrets (profile passwords, tokens, alert URLs) out of reports, logs and history."""

from __future__ import annotations

import re
from typing import Any, Iterable

from strataqc.results import CheckResult

SECRET_KEYS = re.compile(r"pass|secret|token|key|credential|private|auth", re.IGNORECASE)
MASK = "***"


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()):
        # longest first so a secret containing another is masked whole; very short values would mask noise
        self.secrets = sorted({s for s in secrets if isinstance(s, str) and len(s) >= 4}, key=len, reverse=True)

    @classmethod
    def from_settings(cls, *settings: dict[str, Any], extra: Iterable[str] = ()) -> "Redactor":
        found = list(extra)
        for mapping in settings:
            for key, value in (mapping or {}).items():
                if SECRET_KEYS.search(str(key)) and isinstance(value, (str, int)):
                    found.append(str(value))
        return cls(found)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, MASK)
        return value

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value

    def result(self, r: CheckResult) -> CheckResult:
        if not self.secrets:
            return r
        return r.replace(message=self.text(r.message), details=self.value(r.details))
