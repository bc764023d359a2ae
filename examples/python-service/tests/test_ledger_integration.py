"""The ledger against a real PostgreSQL and Redis: the pipeline's integration stage.

The stage starts both services, fresh for it, and sets DATABASE_URL and
REDIS_URL (pipeline.yaml's services); locally, point them at servers of your own.
"""

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import redis

from app.ledger import Ledger, LedgerError

pytestmark = pytest.mark.integration


def url(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(
            f"{name} is not set: these tests need the services of pipeline.yaml"
            " (the integration stage sets it)"
        )
    return value


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    ledger = Ledger(url("DATABASE_URL"), url("REDIS_URL"))
    yield ledger
    ledger.close()


@pytest.fixture
def invoice_id() -> str:
    # Unique per test, so a database that outlives one run does not change the next.
    return f"inv-{uuid.uuid4()}"


def stored_row(invoice_id: str) -> tuple[str, int] | None:
    with psycopg.connect(url("DATABASE_URL")) as db:
        return db.execute(
            "SELECT currency, total_minor FROM invoice_totals WHERE invoice_id = %s", (invoice_id,)
        ).fetchone()


def cached(invoice_id: str) -> dict[str, str]:
    return redis.Redis.from_url(url("REDIS_URL"), decode_responses=True).hgetall(
        Ledger.cache_key(invoice_id)
    )


def test_records_in_postgres_and_caches_in_redis_on_first_read(ledger, invoice_id):
    ledger.record(invoice_id, "EUR", 12_345)
    assert stored_row(invoice_id) == ("EUR", 12_345)
    assert cached(invoice_id) == {}

    assert ledger.total(invoice_id) == ("EUR", 12_345)
    assert cached(invoice_id) == {"currency": "EUR", "total_minor": "12345"}


def test_reads_the_cache_before_the_database(ledger, invoice_id):
    ledger.record(invoice_id, "USD", 500)
    ledger.total(invoice_id)
    # Changed behind the ledger's back: a cached read does not see it.
    with psycopg.connect(url("DATABASE_URL"), autocommit=True) as db:
        db.execute(
            "UPDATE invoice_totals SET total_minor = 501 WHERE invoice_id = %s", (invoice_id,)
        )
    assert ledger.total(invoice_id) == ("USD", 500)

    redis.Redis.from_url(url("REDIS_URL")).delete(Ledger.cache_key(invoice_id))
    assert ledger.total(invoice_id) == ("USD", 501)


def test_the_same_total_again_is_accepted_another_is_refused(ledger, invoice_id):
    ledger.record(invoice_id, "JPY", 1_000)
    ledger.record(invoice_id, "JPY", 1_000)
    with pytest.raises(LedgerError, match="already recorded with another total"):
        ledger.record(invoice_id, "JPY", 999)
    assert stored_row(invoice_id) == ("JPY", 1_000)


def test_an_unknown_invoice_has_no_total_and_caches_nothing(ledger, invoice_id):
    assert ledger.total(invoice_id) is None
    assert cached(invoice_id) == {}
