"""CSRF protection for every form (OWASP's signed double-submit cookie): the browser holds a
random value in an HttpOnly SameSite cookie; each form carries its HMAC under the server's
secret. A cross-site page can neither read the cookie nor compute the HMAC, so a post without
the pair is refused (403). Pure functions; the API layer sets the cookie and checks posts."""

import hashlib
import hmac
import secrets


def new_cookie_value() -> str:
    return secrets.token_urlsafe(32)


def form_token(secret: str, cookie_value: str) -> str:
    return hmac.new(secret.encode(), b"csrf:" + cookie_value.encode(), hashlib.sha256).hexdigest()


def valid(secret: str, cookie_value: str | None, submitted: str | None) -> bool:
    if not cookie_value or not submitted:
        return False
    return hmac.compare_digest(form_token(secret, cookie_value), submitted)
