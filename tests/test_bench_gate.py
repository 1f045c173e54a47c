"""The gate benchmark runs end to end on a tiny demo and prints its figures (never timed)."""

import re

from bench import gate


def test_gate_bench_prints_median_and_p95(capsys):
    gate.main(["--residents", "1500", "--scans", "5"])
    lines = capsys.readouterr().out.splitlines()
    assert "duckdb" in lines[0] and "CPUs" in lines[0]
    assert lines[1].startswith("pass scan round trip, domain, 5 scans") and lines[1].endswith("median     p95")
    for line, label in zip(lines[2:4], ("scan, wall", "scan, CPU")):
        assert line.strip().startswith(label)
        assert all(re.fullmatch(r"\d+\.\d", v) for v in line.split()[-2:]), line
