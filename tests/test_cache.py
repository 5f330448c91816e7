"""pacte.cache: Django's Redis cache, keeping one redis-py client per connection pool. Against
the Redis CI starts (and the development machine runs), under a key prefix of its own."""

import socket
import uuid

import pytest

from pacte.cache import RedisCache

LOCATION = "redis://127.0.0.1:6379/0"


def redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not redis_up(), reason="needs Redis on 127.0.0.1:6379")


@pytest.fixture
def cache():
    cache = RedisCache(LOCATION, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.delete_many(["a", "n"])


def test_the_cache_reads_writes_and_counts(cache):
    assert cache.get("a") is None
    cache.set("a", {"user": 1}, 60)
    assert cache.get("a") == {"user": 1}
    assert cache.add("n", 0, 60) is True
    assert cache.incr("n", 2) == 2
    cache.delete("a")
    assert cache.get("a") is None


def test_the_client_is_made_once_per_pool(cache):
    cache.get("a")
    client = cache._cache.get_client()

    cache.set("a", 1, 60)

    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client
