"""bench.desk runs end to end on a tiny community and prints its figures (never timed)."""

import re

from bench import desk as bench_desk


def test_desk_bench_prints_median_and_p95_per_person(capsys):
    bench_desk.main(["--residents", "1500", "--people", "12"])
    lines = capsys.readouterr().out.splitlines()
    assert "duckdb" in lines[0] and "median" in lines[1] and "p95" in lines[1]
    rows = {line.rsplit(None, 2)[0].strip(): line.split()[-2:] for line in lines[2:]}
    assert set(rows) == {"find", "tube advice", "record", "find + record"}
    for median, p95 in rows.values():
        assert re.fullmatch(r"\d+\.\d", median) and float(p95) >= float(median) > 0
