"""Invoice totals kept in PostgreSQL, with Redis in front of them.

Tested by the integration tests only (tests/test_ledger_integration.py, marked
``integration``): it needs a PostgreSQL and a Redis, which the pipeline's
integration stage starts for them (pipeline.yaml's services) and points them at
with DATABASE_URL and REDIS_URL. The HTTP service does not import it, so its
image stays standard-library only.
"""

from __future__ import annotations

import psycopg
import redis

SCHEMA = """
CREATE TABLE IF NOT EXISTS invoice_totals (
    invoice_id text PRIMARY KEY,
    currency char(3) NOT NULL,
    total_minor bigint NOT NULL
)
"""


class LedgerError(ValueError):
    """A total that contradicts the one already recorded."""


class Ledger:
    """Records each invoice's total once; reads try Redis first, then PostgreSQL."""

    def __init__(self, database_url: str, redis_url: str, cache_seconds: int = 300) -> None:
        self._db = psycopg.connect(database_url, autocommit=True)
        self._cache = redis.Redis.from_url(redis_url, decode_responses=True)
        self._cache_seconds = cache_seconds
        self._db.execute(SCHEMA)

    @staticmethod
    def cache_key(invoice_id: str) -> str:
        return f"invoice-total:{invoice_id}"

    def record(self, invoice_id: str, currency: str, total_minor: int) -> None:
        """Stores a total; the same total again is a no-op, another one is refused."""
        inserted = self._db.execute(
            "INSERT INTO invoice_totals (invoice_id, currency, total_minor) VALUES (%s, %s, %s) "
            "ON CONFLICT (invoice_id) DO NOTHING RETURNING invoice_id",
            (invoice_id, currency, total_minor),
        ).fetchone()
        if inserted is None and self._load(invoice_id) != (currency, total_minor):
            raise LedgerError(f"invoice {invoice_id!r} is already recorded with another total")
        # A reader may have cached the absence of this invoice: the database is the truth now.
        self._cache.delete(self.cache_key(invoice_id))

    def total(self, invoice_id: str) -> tuple[str, int] | None:
        """The recorded (currency, total in minor units), or None for an unknown invoice."""
        cached = self._cache.hgetall(self.cache_key(invoice_id))
        if cached:
            return cached["currency"], int(cached["total_minor"])
        found = self._load(invoice_id)
        if found is not None:
            key = self.cache_key(invoice_id)
            self._cache.hset(key, mapping={"currency": found[0], "total_minor": found[1]})
            self._cache.expire(key, self._cache_seconds)
        return found

    def close(self) -> None:
        self._db.close()
        self._cache.close()

    def _load(self, invoice_id: str) -> tuple[str, int] | None:
        row = self._db.execute(
            "SELECT currency, total_minor FROM invoice_totals WHERE invoice_id = %s", (invoice_id,)
        ).fetchone()
        return None if row is None else (row[0], int(row[1]))
