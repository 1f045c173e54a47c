"""The demo community for the testing modules' fixtures, on either backend.

On PostgreSQL the same demo is generated once per process on an in-memory DuckDB and copied into the test's
database as it is (resilient.demo.postgres). The tests then write on PostgreSQL itself; only the demo's own seeding
runs on DuckDB.
"""

from functools import lru_cache

from resilient.core import db, pg
from resilient.demo import generator as demo
from resilient.demo.postgres import copy_into


def generate(con, **kwargs) -> dict:
    if not pg.is_postgres(con):
        return demo.generate(con, **kwargs)
    source, counts = _generated(tuple(sorted(kwargs.items())))
    copy_into(source, con)
    return dict(counts)


@lru_cache(maxsize=4)
def _generated(kwargs: tuple):
    source = db.connect(":memory:")
    return source, demo.generate(source, **dict(kwargs))
