"""Django's Redis cache backend, keeping its redis-py client.

Django's `RedisCacheClient.get_client` makes a new `redis.Redis` for every operation, and
redis-py fills each new one with its table of some 170 response callbacks: that costs more
than the session's or a page's cache read itself. This client keeps one `redis.Redis` per
connection pool. (Django's caches are per thread, and so is this client.)
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
