"""API tokens: minted at random, stored hashed (sha256; the tokens are 256-bit random, so a plain
hash is enough), looked up by hash.

``python -m api.tokens new --role planner --name alice`` prints the token (give it to the user) and
the JSON entry to put in ``COA_API_TOKENS`` or the tokens file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
from dataclasses import dataclass

from api.core.config import Role, TokenEntry

PREFIX = "coa_"


def hash_token(token: str) -> str:
    """The at-rest form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(name: str, role: Role, province: str | None = None) -> tuple[str, TokenEntry]:
    """A fresh random token and its configuration entry."""
    token = PREFIX + secrets.token_urlsafe(32)
    return token, TokenEntry(name=name, role=role, province=province, sha256=hash_token(token))


@dataclass(frozen=True)
class Principal:
    """The caller, as known from their token."""

    name: str
    role: Role
    province: str | None = None


class TokenStore:
    """Hash -> principal; the plain tokens are never kept."""

    def __init__(self, entries: list[TokenEntry]) -> None:
        self._by_hash = {
            e.sha256: Principal(name=e.name, role=e.role, province=e.province) for e in entries
        }

    def lookup(self, token: str) -> Principal | None:
        """The principal for a bearer token, or None."""
        return self._by_hash.get(hash_token(token))


def main(argv: list[str] | None = None) -> None:
    """CLI: ``new --role ROLE [--province PVxx] [--name NAME]``."""
    p = argparse.ArgumentParser(prog="python -m api.tokens")
    sub = p.add_subparsers(dest="cmd", required=True)
    n = sub.add_parser("new", help="mint a token and print its config entry")
    n.add_argument("--role", required=True, choices=[r.value for r in Role])
    n.add_argument("--province", default=None, help="PVxx, required for supervisors")
    n.add_argument("--name", default=None)
    a = p.parse_args(argv)
    token, entry = new_token(a.name or a.role, Role(a.role), a.province)
    print(f"token (give to the user, shown once): {token}")
    print("config entry (add to COA_API_TOKENS or the tokens file list):")
    print(json.dumps(entry.model_dump(mode="json")))


if __name__ == "__main__":
    main()
