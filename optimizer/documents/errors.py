"""A document that cannot be used: one readable message per problem, naming the field and value."""

from __future__ import annotations

from pydantic import ValidationError

from optimizer.documents.bounds import strict_message


class DocumentError(ValueError):
    """A document that cannot be used, with one readable message per problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_messages(err: ValidationError) -> list[str]:
    msgs = []
    for e in err.errors():
        where = _path(tuple(e["loc"]))
        msg = strict_message(e).removeprefix("Value error, ")
        value = e.get("input")
        shown = "" if not where or isinstance(value, dict | list) else f" (got {value!r})"
        if where:
            msgs.append(f"{where}: {msg}{shown}")
        else:  # cross-record checks name their own paths, one per line
            msgs.extend(msg.splitlines())
    return msgs
