"""Signed short tokens with itsdangerous: the verification token printed as a QR code on slips
and results, and the citizen's short-lived result download link.

A token is `<key id>.<itsdangerous token>`: the key id says which of the deployment's keys
signed it, so a new key can sign while tokens printed under the old one still verify
(rotation). A token whose key id is unknown or whose signature does not match is `Tampered`.
Source: Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP (the slip and the result the citizen
holds); Decree 13/2023/NĐ-CP (a token names a dossier code, nothing personal)."""

import hashlib
import hmac
from typing import Any
from urllib.parse import urlsplit

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from intake.app.ports import Expired, Tampered

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def parse_keys(spec: str, jwt_secret: str, public_url: str) -> list[tuple[str, str]]:
    """'kid:secret,kid2:secret2' → [(kid, secret)…]. Empty: a development key derived from
    JWT_SECRET, but only while intake is reached on a loopback address (a QR code pointing at
    127.0.0.1 is never a deployment's); a deployment must set its own keys."""
    keys = [tuple(part.strip().split(":", 1)) for part in spec.split(",") if part.strip()]
    if not keys:
        if urlsplit(public_url).hostname not in _LOOPBACK:
            raise RuntimeError(
                "INTAKE_VERIFY_KEYS must be set (kid:secret,…) when INTAKE_PUBLIC_URL is "
                "not loopback"
            )
        derived = hmac.new(jwt_secret.encode(), b"motcua-verify", hashlib.sha256).hexdigest()
        return [("dev", derived)]
    for key in keys:
        if len(key) != 2 or not key[0].isalnum() or len(key[1]) < 32:
            raise RuntimeError(
                "INTAKE_VERIFY_KEYS: each key is kid:secret, kid alphanumeric, secret ≥ "
                "32 characters"
            )
    return [(kid, secret) for kid, secret in keys]


class TokenSigner:
    def __init__(self, keys: list[tuple[str, str]], purpose: str) -> None:
        self.keys = dict(keys)
        self.current = keys[0][0]
        self.purpose = purpose

    def sign(self, value: Any) -> str:
        signed = URLSafeSerializer(self.keys[self.current], salt=self.purpose).dumps(value)
        return f"{self.current}.{signed}"

    def unsign(self, token: str) -> Any:
        secret, body = self._split(token)
        try:
            return URLSafeSerializer(secret, salt=self.purpose).loads(body)
        except BadSignature:
            raise Tampered() from None

    def sign_timed(self, value: Any) -> str:
        signed = URLSafeTimedSerializer(self.keys[self.current], salt=self.purpose).dumps(value)
        return f"{self.current}.{signed}"

    def unsign_timed(self, token: str, max_age: int) -> Any:
        secret, body = self._split(token)
        try:
            return URLSafeTimedSerializer(secret, salt=self.purpose).loads(body, max_age=max_age)
        except SignatureExpired:
            raise Expired() from None
        except BadSignature:
            raise Tampered() from None

    def _split(self, token: str) -> tuple[str, str]:
        kid, _, body = token.partition(".")
        if kid not in self.keys or not body:
            raise Tampered()
        return self.keys[kid], body
