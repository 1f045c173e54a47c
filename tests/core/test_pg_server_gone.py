"""A PostgreSQL server that is not there is said within seconds, not after the pool's whole wait; one that came
back (restarted, failed over) serves the next statement, whatever connections the pool held from before."""

import socket
import threading
import time

import duckdb
import pytest

from resilient.core import db, pg
from tests.conftest import closed_port

pytestmark = pytest.mark.both_backends


def fill_pool(url: str, connections: int = 3) -> None:
    """The pool holds several idle connections, as a process's does after a busy minute."""
    for each in [pg.connect(url) for _ in range(connections)]:
        each.close()


class Proxy:
    """A TCP relay in front of the test server, so a test can take 'the server' away and give it back."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self, *, refuse: bool):
        """Every connection through it dropped; new ones refused (the server is down) or let through (it is back)."""
        self.open = not refuse
        for end in self.sockets:
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.sockets.clear()

    def close(self):
        self.cut(refuse=True)
        self.listener.close()


@pytest.fixture
def through_proxy(con):
    if not pg.is_postgres(con):
        pytest.skip("a server that is not there is PostgreSQL's: a DuckDB file is opened or not")
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    parts = conninfo_to_dict(con.url)
    proxy = Proxy(parts.get("host", "127.0.0.1"), int(parts.get("port", 5432)))
    url = make_conninfo(con.url, host="127.0.0.1", port=str(proxy.port))
    yield proxy, url
    pg.close_pool(url)
    proxy.close()


def test_a_server_not_there_is_said_before_the_pools_wait_and_leaves_no_pool():
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/nowhere"
    started = time.monotonic()
    with pytest.raises(duckdb.IOException) as raised:
        db.connect(url, lending=True)
    assert time.monotonic() - started < pg.POOL_TIMEOUT  # the pool's own wait would be the whole of it
    assert db.storage_error(raised.value) is not None  # the page says the server cannot be reached, in words
    assert url not in pg._pools  # the next run tries again instead of waiting on a pool that never connected


def test_a_server_that_restarted_serves_the_next_statement(through_proxy):
    proxy, url = through_proxy
    lending = pg.connect(url, lending=True)
    fill_pool(url)
    assert lending.execute("SELECT 1").fetchone() == (1,)
    proxy.cut(refuse=False)  # every old connection dead; the server answers new ones
    assert lending.execute("SELECT 2").fetchone() == (2,)
    assert pg.connect(url).execute("SELECT 3").fetchone() == (3,)


def test_a_server_gone_while_the_pool_was_open_is_said_in_seconds(through_proxy):
    proxy, url = through_proxy
    lending = pg.connect(url, lending=True)
    assert lending.execute("SELECT 1").fetchone() == (1,)
    proxy.cut(refuse=True)
    started = time.monotonic()
    with pytest.raises(duckdb.IOException) as raised:
        lending.execute("SELECT 2")
    assert time.monotonic() - started < pg.POOL_TIMEOUT
    assert db.storage_error(raised.value) is not None
    proxy.cut(refuse=False)  # back: the same connection object works again, no restart of the app
    assert lending.execute("SELECT 3").fetchone() == (3,)


def test_connections_the_server_ended_are_dropped_on_borrow(con):
    if not pg.is_postgres(con):
        pytest.skip("a server ending connections is PostgreSQL's")
    lending = pg.connect(con.url, lending=True)
    fill_pool(con.url)
    assert lending.execute("SELECT 1").fetchone() == (1,)
    with pg.connect(con.url) as admin:  # as a restart does: every other session of this database ended
        ended = admin.execute(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()) t").fetchone()[0]
    assert ended >= 3
    time.sleep(0.2)  # the server's goodbye on its way to each socket
    assert lending.execute("SELECT 2").fetchone() == (2,)
    assert [each.execute("SELECT 3").fetchone() for each in [pg.connect(con.url) for _ in range(4)]] == [(3,)] * 4
