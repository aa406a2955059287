"""The Zalo OA access token: kept in notify's database (all instances share it), refreshed with
the refresh token through the OAuth v4 endpoint when it expires or Zalo rejects it.

Zalo refresh tokens are single-use: each refresh answers a new pair, stored at once. A lock
keeps one refresh at a time in this process; after a failed refresh the stored pair is read
again, in case another instance refreshed first. A valid token is kept in memory, so a send
costs no database read and no lock (many sends are in flight at once); when Zalo rejects it,
the stored pair is read again.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from pymongo.asynchronous.collection import AsyncCollection

from motcua_shared.vietnam.timeutil import Clock

EARLY = timedelta(minutes=5)  # refresh a little before the expiry Zalo gave
_DOC_ID = "zalo_oa"


class ZaloAuthError(Exception):
    """Zalo refused to refresh the access token (wrong app, secret or refresh token)."""


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: datetime | None  # None: unknown, use it until Zalo rejects it


class ZaloTokens:
    def __init__(
        self,
        collection: AsyncCollection,
        http: httpx.AsyncClient,
        clock: Clock,
        *,
        oauth_url: str,
        app_id: str,
        secret_key: str,
        access_token: str,
        refresh_token: str,
    ) -> None:
        self.collection, self.http, self.clock = collection, http, clock
        self.url = oauth_url.rstrip("/") + "/v4/oa/access_token"
        self.app_id, self.secret_key = app_id, secret_key
        self.configured = TokenPair(access_token, refresh_token, None)
        self._lock = asyncio.Lock()
        self._known: TokenPair | None = None

    def _usable(self, pair: TokenPair | None) -> bool:
        return bool(
            pair
            and pair.access_token
            and (pair.expires_at is None or pair.expires_at - EARLY > self.clock())
        )

    async def access_token(self) -> str:
        if self._usable(self._known):
            assert self._known is not None
            return self._known.access_token
        async with self._lock:
            pair = await self._stored()
            if self._usable(pair):
                self._known = pair
                return pair.access_token
            return await self._refresh(pair)

    async def refresh_after_rejection(self, rejected: str) -> str:
        async with self._lock:
            self._known = None
            pair = await self._stored()
            if pair.access_token and pair.access_token != rejected:
                return pair.access_token  # someone refreshed meanwhile
            return await self._refresh(pair)

    async def _refresh(self, pair: TokenPair) -> str:
        try:
            return await self._exchange(pair.refresh_token)
        except ZaloAuthError:
            latest = await self._stored()
            if latest.refresh_token == pair.refresh_token:
                raise
            return await self._exchange(latest.refresh_token)

    async def _exchange(self, refresh_token: str) -> str:
        response = await self.http.post(
            self.url,
            headers={"secret_key": self.secret_key},
            data={
                "refresh_token": refresh_token,
                "app_id": self.app_id,
                "grant_type": "refresh_token",
            },
        )
        if response.status_code >= 500 or response.status_code == 429:
            response.raise_for_status()
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {"error": f"http {response.status_code}, not a JSON object"}
        if "access_token" not in body:
            raise ZaloAuthError(
                f"token refresh refused: {body.get('error')} {body.get('error_name', '')}".strip()
            )
        expires_at = self.clock() + timedelta(seconds=int(body.get("expires_in", 3600)))
        await self.collection.update_one(
            {"_id": _DOC_ID},
            {
                "$set": {
                    "access_token": body["access_token"],
                    "refresh_token": body["refresh_token"],
                    "expires_at": expires_at,
                    "refreshed_at": self.clock(),
                }
            },
            upsert=True,
        )
        self._known = TokenPair(body["access_token"], body["refresh_token"], expires_at)
        return body["access_token"]

    async def _stored(self) -> TokenPair:
        doc = await self.collection.find_one({"_id": _DOC_ID})
        if doc is None:
            return self.configured
        return TokenPair(doc["access_token"], doc["refresh_token"], doc.get("expires_at"))
