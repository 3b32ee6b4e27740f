"""Peak memory of analysing one file, measured in a fresh interpreter.

``python bench/memory_probe.py FILE`` prints JSON: the resident set after
importing samplemind (the baseline), the high-water mark while analysing FILE, and
the difference in MiB. The kernel's high-water mark (VmHWM) is reset after the
imports (writing 5 to /proc/self/clear_refs), so import-time transients do not hide
the analysis's own peak.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def status_mib(field: str) -> float:
    """A VmRSS/VmHWM line of /proc/self/status, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # reported in kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def main(path: str) -> None:
    import numpy  # noqa: F401  (part of the baseline, as in any user's process)

    import samplemind

    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    baseline = status_mib("VmRSS")
    result = samplemind.analyze(path)
    after = status_mib("VmHWM")
    print(json.dumps({"duration_s": result.duration_s, "baseline_mib": baseline, "peak_mib": after,
                      "above_baseline_mib": after - baseline}))


if __name__ == "__main__":
    main(sys.argv[1])
