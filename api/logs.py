"""Tokens never reach a log line: a filter on every handler and the service's loggers rewrites
static tokens (``coa_...``), JWTs, ``Bearer ...`` values and ``token=`` / ``access_token=`` query
parameters to ``[redacted]``, in the message and in its arguments (uvicorn's access log passes the
path with its query string as an argument)."""

from __future__ import annotations

import logging
import re

PATTERNS = [
    re.compile(r"coa_[A-Za-z0-9_\-]{8,}"),
    re.compile(r"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*"),
    re.compile(r"(?i)(bearer\s+)[^\s\"',]+"),
    re.compile(r"(?i)((?:access_)?token=)[^&\s\"']+"),
]


def redact(text: str) -> str:
    """``text`` with every token-like value replaced."""
    for p in PATTERNS:
        text = p.sub(lambda m: (m.group(1) if m.groups() else "") + "[redacted]", text)
    return text


class RedactTokens(logging.Filter):
    """Rewrites a record's message and arguments (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v
                           for k, v in record.args.items()}
        return True


_FILTER = RedactTokens()
LOGGERS = ("", "uvicorn", "uvicorn.access", "uvicorn.error", "api", "fastapi")


def install_redaction() -> None:
    """Put the filter on the service's loggers and on every handler present (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for h in logger.handlers:
            if _FILTER not in h.filters:
                h.addFilter(_FILTER)
