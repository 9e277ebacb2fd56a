"""The p50 of every query against corpus size, as a PNG (needs matplotlib)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot_p50(runs: dict[int, dict[str, Any]], path: Path, queries: tuple[str, ...]) -> bool:
    """Draw the plot; False (and nothing written) when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        return False
    scales = sorted(runs)
    facts = [runs[n]["build"]["facts"] for n in scales]
    figure, axes = pyplot.subplots(figsize=(7, 4.5), dpi=120)
    for qid in queries:
        p50 = []
        for n in scales:
            factdb = runs[n]["results"]["queries"][qid]["servers"].get("factdb")
            p50.append(factdb["latency_ms"]["p50"] if factdb else float("nan"))
        axes.plot(facts, p50, marker="o", label=qid)
    axes.set_xscale("log")
    axes.set_xlabel("facts in the corpus")
    axes.set_ylabel("p50 latency under load (ms)")
    axes.set_title("factdb under gunicorn: median latency by corpus size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
    return True
