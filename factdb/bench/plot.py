"""The p50 of every query against corpus size, as a PNG (needs matplotlib)."""

from __future__ import annotations

from pathlib import Path


def plot_p50(
    p50: dict[str, dict[int, float]], facts: dict[int, int], path: Path, queries: tuple[str, ...]
) -> bool:
    """Draw ``p50`` ({qid: {sources: ms}}) against the facts of each size; False (and
    nothing written) when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        return False
    scales = sorted(facts)
    figure, axes = pyplot.subplots(figsize=(7, 4.5), dpi=120)
    for qid in queries:
        values = [p50.get(qid, {}).get(n, float("nan")) for n in scales]
        axes.plot([facts[n] for n in scales], values, marker="o", label=qid)
    axes.set_xscale("log")
    axes.set_xlabel("facts in the corpus")
    axes.set_ylabel("p50 latency under load (ms)")
    axes.set_title("factdb under gunicorn: median latency by corpus size (same minutes)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
    return True
