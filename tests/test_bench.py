"""The benchmark runs end to end on a tiny street and prints every figure with plausible numbers."""

import re

from resilient import bench


def test_bench_prints_every_figure_for_a_tiny_size(capsys):
    bench.main(["--sizes", "2000", "--runs", "1"])
    out = capsys.readouterr().out
    rows = {label: line[len(label):].split() for line in out.splitlines()
            for _, label, _ in bench.ROWS if line.startswith(label)}

    assert "duckdb" in out.splitlines()[0] and "CPUs" in out.splitlines()[0]
    assert set(rows) == {label for _, label, _ in bench.ROWS}
    assert rows["residents"] == ["2,000"]
    assert int(rows["households"][0].replace(",", "")) > 0
    assert int(rows["buildings"][0].replace(",", "")) > 0
    assert int(rows["map HTML (bytes)"][0].replace(",", "")) > 10_000  # a real map, not an empty page
    for label in ("generate database (s)", "density query (ms)", "KPI query (ms)", "30-day series query (ms)"):
        assert re.fullmatch(r"[\d,]+\.\d", rows[label][0]), (label, rows[label])
    assert bench.AGGREGATED_NOTE not in out  # only sizes above the demo community get the mark
