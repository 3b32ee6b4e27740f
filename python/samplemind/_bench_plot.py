"""`samplemind bench --plot FILE.png`: throughput against workers and the stage split.
Needs matplotlib (``pip install "samplemind[plot]"``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot_report(report: dict[str, Any], path: Path) -> None:
    try:
        import matplotlib
    except ImportError as error:
        raise RuntimeError('--plot needs matplotlib: pip install "samplemind[plot]"') from error
    matplotlib.use("Agg")  # files only, no display needed
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    rows = report["throughput"]
    workers = [row["workers"] for row in rows]
    files = report["corpus"]["files"]
    median = [row["files_per_s"] for row in rows]
    low = [m - files / row["seconds_max"] for m, row in zip(median, rows)]
    high = [files / row["seconds_min"] - m for m, row in zip(median, rows)]
    left.errorbar(workers, median, yerr=[low, high], marker="o", capsize=4)
    left.set(xlabel="workers", ylabel="files per second", xticks=workers,
             title=f"Throughput ({files} files, median and range)")
    left.set_ylim(bottom=0)
    left.grid(alpha=0.3)
    share = report["stages"]["share"]
    names = list(share)
    right.barh(names, [100 * share[name] for name in names], color="tab:orange")
    right.invert_yaxis()
    right.set(xlabel="% of one worker's time", title="Where the time goes (core stage clocks)")
    right.grid(axis="x", alpha=0.3)
    machine = report["machine"]
    figure.suptitle(f"samplemind {report['versions']['samplemind']} on {machine['processor']}, "
                    f"{machine['cpus']} CPUs")
    figure.savefig(path, dpi=110)
    plt.close(figure)
