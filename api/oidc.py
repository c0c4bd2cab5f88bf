"""OIDC bearer tokens: JWTs of an identity provider, checked with PyJWT against the issuer's
JWKS (from a file, or fetched from a URL and cached), the issuer and the audience. The role comes
from a configurable claim (a string or a list: the first that is a service role), a supervisor's
province from another; the caller is named ``oidc:<name claim>`` in jobs and the audit log."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any

import jwt

from api.core.config import Role, Settings
from api.tokens import Principal

log = logging.getLogger(__name__)
PV = re.compile(r"^PV[0-9]{2}$")


class OidcVerifier:
    """Turns a JWT into a :class:`Principal`, or says why not (never raises)."""

    def __init__(
        self, issuer: str, audience: str, *, jwks_file: Path | None = None,
        jwks_url: str | None = None, role_claim: str = "coa_role",
        province_claim: str = "coa_province", name_claim: str = "sub",
        algorithms: list[str] | None = None, leeway_s: float = 30.0,
    ) -> None:
        self.issuer, self.audience = issuer, audience
        self.role_claim, self.province_claim, self.name_claim = role_claim, province_claim, name_claim
        self.algorithms = algorithms or ["RS256", "ES256"]
        self.leeway_s = leeway_s
        self._keys: jwt.PyJWKSet | None = None
        self._client: jwt.PyJWKClient | None = None
        if jwks_file is not None:
            self._keys = jwt.PyJWKSet.from_json(jwks_file.read_text(encoding="utf-8"))
        elif jwks_url is not None:
            self._client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5)
        else:
            raise ValueError("OIDC needs a JWKS file or URL")

    @classmethod
    def from_settings(cls, s: Settings) -> OidcVerifier | None:
        if s.oidc_issuer is None or s.oidc_audience is None:
            return None
        return cls(s.oidc_issuer, s.oidc_audience, jwks_file=s.oidc_jwks_file,
                   jwks_url=s.oidc_jwks_url, role_claim=s.oidc_role_claim,
                   province_claim=s.oidc_province_claim, name_claim=s.oidc_name_claim,
                   algorithms=s.oidc_algorithms)

    def _key(self, token: str) -> Any:
        if self._client is not None:
            return self._client.get_signing_key_from_jwt(token).key
        assert self._keys is not None
        kid = jwt.get_unverified_header(token).get("kid")
        if kid is None:
            if len(self._keys.keys) != 1:
                raise jwt.InvalidTokenError("token has no key id (kid)")
            return self._keys.keys[0].key
        return self._keys[kid].key

    def verify(self, token: str) -> tuple[Principal | None, str]:
        try:
            claims = jwt.decode(
                token, self._key(token), algorithms=self.algorithms, audience=self.audience,
                issuer=self.issuer, leeway=self.leeway_s,
                options={"require": ["exp", "iss", "aud", self.name_claim]},
            )
        except KeyError:
            return None, "token signed with an unknown key"
        except (jwt.PyJWTError, ValueError) as e:
            return None, f"token refused ({type(e).__name__}: {str(e)[:120]})"
        roles = claims.get(self.role_claim)
        roles = [roles] if isinstance(roles, str) else roles if isinstance(roles, list) else []
        role = next((Role(r) for r in roles if isinstance(r, str) and r in Role.__members__), None)
        if role is None:
            return None, f"token has no service role in claim {self.role_claim!r}"
        province = claims.get(self.province_claim)
        if role is Role.supervisor and not (isinstance(province, str) and PV.match(province)):
            return None, f"a supervisor's token needs a pv_code in claim {self.province_claim!r}"
        name = f"oidc:{claims[self.name_claim]}"[:64]
        expires = dt.datetime.fromtimestamp(int(claims["exp"]), dt.UTC)
        return Principal(name=name, role=role,
                         province=province if role is Role.supervisor else None,
                         expires_at=expires), ""
