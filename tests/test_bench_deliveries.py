"""The delivery rounds benchmark runs end to end on a tiny day and prints every figure (never timed)."""

import re

from bench import deliveries


def test_bench_prints_every_figure_for_a_tiny_day(capsys):
    deliveries.main(["--requests", "40", "--volunteers", "5", "--seed", "3"])
    lines = capsys.readouterr().out.splitlines()
    assert "duckdb" in lines[0] and "CPUs" in lines[0]
    rows = {line[:34].strip(): line[34:].strip() for line in lines[1:]}
    assert rows["requests"] == "40" and rows["volunteers"] == "5"
    assert int(rows["requests routed"]) + int(rows["requests not routed"]) == 40
    for label in ("plan the routes (s)", "walking, planned (m)", "walking, arrival order (m)",
                  "arrival order / planned"):
        assert re.fullmatch(r"[\d,]+\.\d\d", rows[label]), (label, rows[label])
    assert float(rows["arrival order / planned"]) >= 1.0   # the plan never walks more than the paper list here
