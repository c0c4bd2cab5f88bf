"""API tokens: minted at random, stored hashed (sha256; the tokens are 256-bit random, so a plain
hash is enough), looked up by hash; each has an expiry and can be revoked. With OIDC configured,
bearer JWTs of the identity provider are accepted as well (:mod:`api.oidc`).

``python -m api.tokens new --role planner --name alice [--days 90]`` prints the token (give it to
the user) and the JSON entry to put in ``COA_API_TOKENS`` or the tokens file.
``python -m api.tokens revoke --name alice`` (or ``--sha256 H``, ``--token T``) records the
revocation in the service database (``COA_API_DATABASE_URL``); a running service refuses the
token within ``COA_API_REVOCATION_REFRESH_S`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import logging
import secrets
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from api.core.config import Role, TokenEntry

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from api.oidc import OidcVerifier

PREFIX = "coa_"
DEFAULT_DAYS = 90
log = logging.getLogger(__name__)


def hash_token(token: str) -> str:
    """The at-rest form of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token(
    name: str, role: Role, province: str | None = None, days: float | None = DEFAULT_DAYS
) -> tuple[str, TokenEntry]:
    """A fresh random token and its configuration entry (expiring after ``days``)."""
    token = PREFIX + secrets.token_urlsafe(32)
    expires = None if days is None else (
        dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).replace(microsecond=0)
    return token, TokenEntry(name=name, role=role, province=province, sha256=hash_token(token),
                             expires_at=expires)


@dataclass(frozen=True)
class Principal:
    """The caller, as known from their token."""

    name: str
    role: Role
    province: str | None = None
    expires_at: dt.datetime | None = None


class TokenStore:
    """Hash -> principal (the plain tokens are never kept), minus expired and revoked ones; JWTs
    go to the OIDC verifier when one is configured."""

    def __init__(
        self, entries: list[TokenEntry], oidc: OidcVerifier | None = None,
        sessions: sessionmaker[Session] | None = None, refresh_s: float = 2.0,
    ) -> None:
        self._by_hash = {
            e.sha256: Principal(name=e.name, role=e.role, province=e.province,
                                expires_at=e.expires_at)
            for e in entries
        }
        for e in entries:
            if e.expires_at is None:
                log.warning("token %r has no expiry; mint a new one (python -m api.tokens new)",
                            e.name)
        self.oidc = oidc
        self.sessions = sessions
        self.refresh_s = refresh_s
        self._revoked: frozenset[str] = frozenset()
        self._jwt_cache: OrderedDict[str, tuple[Principal | None, str]] = OrderedDict()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- revocations -----------------------------------------------------------------------------
    def refresh_revoked(self) -> None:
        """Read the revoked hashes from the database."""
        if self.sessions is None:
            return
        from sqlalchemy import select

        from api.db.models import RevokedTokenRow

        with self.sessions() as s:
            self._revoked = frozenset(s.scalars(select(RevokedTokenRow.sha256)))

    def start(self) -> None:
        """Load the revocations, then re-read them every ``refresh_s`` in a thread."""
        self.refresh_revoked()
        if self.sessions is None or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="token-revocations", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self.refresh_s):
            try:
                self.refresh_revoked()
            except Exception:  # noqa: BLE001 - the previous list stays in force
                log.exception("reading revoked tokens failed")

    # -- lookups ---------------------------------------------------------------------------------
    def check(self, token: str) -> tuple[Principal | None, str]:
        """The principal of a static token, or None and why not."""
        h = hash_token(token)
        p = self._by_hash.get(h)
        if p is None:
            return None, "unknown token"
        if h in self._revoked:
            return None, f"token of {p.name!r} was revoked"
        if p.expires_at is not None and p.expires_at <= dt.datetime.now(dt.UTC):
            return None, f"token of {p.name!r} expired at {p.expires_at.isoformat()}"
        return p, ""

    def lookup(self, token: str) -> Principal | None:
        """The principal for a bearer token (static tokens), or None."""
        return self.check(token)[0]

    async def resolve(self, token: str) -> tuple[Principal | None, str]:
        """Static token or (with OIDC) a JWT; a JWT's signature is checked off the event loop
        once and the outcome kept until it expires."""
        if self.oidc is None or token.startswith(PREFIX) or token.count(".") != 2:
            return self.check(token)
        hit = self._jwt_cache.get(token)
        if hit is not None:
            p = hit[0]
            if p is None or p.expires_at is None or p.expires_at > dt.datetime.now(dt.UTC):
                return hit
        out = await asyncio.to_thread(self.oidc.verify, token)
        self._jwt_cache[token] = out
        while len(self._jwt_cache) > 4096:
            self._jwt_cache.popitem(last=False)
        return out


def _revoke(database_url: str, hashes: dict[str, str]) -> int:
    from sqlalchemy import select

    from api.db.models import RevokedTokenRow, utcnow
    from api.db.session import make_engine, make_sessionmaker, upgrade

    engine = make_engine(database_url)
    upgrade(engine)
    n = 0
    with make_sessionmaker(engine)() as s:
        known = set(s.scalars(select(RevokedTokenRow.sha256)))
        for h, name in hashes.items():
            if h not in known:
                s.add(RevokedTokenRow(sha256=h, name=name[:64], revoked_at=utcnow()))
                n += 1
        s.commit()
    engine.dispose()
    return n


def main(argv: list[str] | None = None) -> int:
    """CLI: ``new --role ROLE [--province PVxx] [--name NAME] [--days N]`` and
    ``revoke (--name NAME | --sha256 HASH | --token TOKEN) [--database-url URL]``."""
    from api.core.config import Settings

    p = argparse.ArgumentParser(prog="python -m api.tokens")
    sub = p.add_subparsers(dest="cmd", required=True)
    n = sub.add_parser("new", help="mint a token and print its config entry")
    n.add_argument("--role", required=True, choices=[r.value for r in Role])
    n.add_argument("--province", default=None, help="PVxx, required for supervisors")
    n.add_argument("--name", default=None)
    n.add_argument("--days", type=float, default=DEFAULT_DAYS, help="valid for this many days")
    r = sub.add_parser("revoke", help="refuse a token from now on (recorded in the database)")
    g = r.add_mutually_exclusive_group(required=True)
    g.add_argument("--name", help="every configured token of this name")
    g.add_argument("--sha256", help="the token's hash as in its config entry")
    g.add_argument("--token", help="the token itself")
    r.add_argument("--database-url", default=None, help="default: COA_API_DATABASE_URL")
    a = p.parse_args(argv)
    if a.cmd == "new":
        if a.days <= 0:
            p.error("--days must be positive")
        token, entry = new_token(a.name or a.role, Role(a.role), a.province, a.days)
        print(f"token (give to the user, shown once): {token}")
        print("config entry (add to COA_API_TOKENS or the tokens file list):")
        print(json.dumps(entry.model_dump(mode="json")))
        return 0
    settings = Settings()
    if a.name is not None:
        hashes = {e.sha256: e.name for e in settings.all_tokens() if e.name == a.name}
        if not hashes:
            print(f"no configured token is named {a.name!r}", file=sys.stderr)
            return 2
    elif a.sha256 is not None:
        if len(a.sha256) != 64 or any(c not in "0123456789abcdef" for c in a.sha256):
            print("--sha256 takes the 64 hex digits of the config entry", file=sys.stderr)
            return 2
        names = {e.sha256: e.name for e in settings.all_tokens()}
        hashes = {a.sha256: names.get(a.sha256, "unconfigured")}
    else:
        h = hash_token(a.token)
        hashes = {h: {e.sha256: e.name for e in settings.all_tokens()}.get(h, "unconfigured")}
    added = _revoke(a.database_url or settings.database_url, hashes)
    print(f"revoked {len(hashes)} token(s) ({added} newly): {', '.join(sorted(hashes.values()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
