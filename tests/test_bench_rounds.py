"""bench.rounds runs end to end at a tiny size and its report shows no sample lost or doubled (never timed)."""

from streamlit.testing.v1 import AppTest

from bench import rounds as bench_rounds
from tests.conftest import TEST_DATABASE_URL


def _rows(out: str) -> dict[tuple[str, str], dict[str, str]]:
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split() == list(bench_rounds.COLUMNS))
    rows = {}
    for line in lines[header + 1:]:
        cells = line.split()
        if len(cells) == len(bench_rounds.COLUMNS):
            rows[(cells[0], cells[1])] = dict(zip(bench_rounds.COLUMNS, cells))
    return rows


def test_round_bench_records_every_acknowledged_tap_once(capsys, tmp_path):
    # As in a full run: an AppTest before this one leaves Streamlit's script module as __main__, and a spawned
    # desk process then re-ran app.py ('NoneType' has no display_name) instead of its desks.
    AppTest.from_string("raise RuntimeError('a page, not a desk')").run()
    backends = "duckdb,postgres" if TEST_DATABASE_URL else "duckdb"
    bench_rounds.main(["--residents", "2000", "--processes", "1,2", "--desks", "2", "--interval", "0.2",
                       "--seconds", "2", "--runs", "1", "--backends", backends, "--cache", str(tmp_path),
                       *(["--database-url", TEST_DATABASE_URL] if TEST_DATABASE_URL else [])])
    out = capsys.readouterr().out
    assert "duckdb" in out.splitlines()[0] and "RAM" in out.splitlines()[1]
    assert "density, every building (building_density)" in out
    rows = _rows(out)
    expected = {("duckdb", "1")} | ({("postgres", "1"), ("postgres", "2")} if TEST_DATABASE_URL else set())
    assert set(rows) == expected, out
    for row in rows.values():
        assert int(row["taps"]) > 0 and row["errors"] == "0", out
        assert (row["lost"], row["doubled"], row["tube!=samples"]) == ("0", "0", "0"), out
    assert "duckdb    2   2  not run: a DuckDB file is opened read-write by one process only" in out
    assert "Could not set lock" in out
