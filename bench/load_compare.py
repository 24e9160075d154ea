"""Two load-test runs side by side (the ``--json`` figures of bench/load.py): each page's and
action's p95 in both and their ratio, against issue 15's 1.3x, and the work each run did
(requests and engine commands per second), so a reader sees whether the two are comparable, and
what a request cost in CPU in each (bench/load_cpu.py).

    python -m bench.load_compare figures-1k.json figures-150k.json
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LIMIT = 1.3


def ratios(small: Mapping[str, Any], large: Mapping[str, Any]) -> dict[str, float]:
    """p95 at ``large`` over p95 at ``small`` for each page or action both measured."""
    pages_small, pages_large = small["pages"], large["pages"]
    return {
        name: pages_large[name]["p95"] / pages_small[name]["p95"]
        for name in sorted(pages_small.keys() & pages_large.keys())
        if pages_small[name]["p95"] > 0
    }


def compare(small: Mapping[str, Any], large: Mapping[str, Any]) -> dict[str, float]:
    """Print the comparison; the ratios."""
    found = ratios(small, large)
    print(f"\ncompared with: {small['label']}")
    print(f"{'page or action':<22}{'per s':>13}{'p95 ms':>15}{'ratio':>8}")
    for name, ratio in found.items():
        a, b = small["pages"][name], large["pages"][name]
        rates = f"{a['count'] / small['seconds']:.2f}/{b['count'] / large['seconds']:.2f}"
        p95s = f"{a['p95']:.0f}/{b['p95']:.0f}"
        mark = "  ok" if ratio <= LIMIT else f"  over {LIMIT}x"
        print(f"{name:<22}{rates:>13}{p95s:>15}{ratio:>7.2f}x{mark}")
    commands = [run["commands_per_second"] for run in (small, large)]
    print(f"engine commands/s: {commands[0]:.2f} / {commands[1]:.2f}")
    requests = [sum(p["count"] for p in r["pages"].values()) / r["seconds"] for r in (small, large)]
    print(f"requests/s: {requests[0]:.1f} / {requests[1]:.1f}")
    if "cpu" in small and "cpu" in large:  # what a request cost, whatever else the machine ran
        for part in ("app", "database"):
            a, b = (run["cpu"][f"{part}_ms_per_request"] for run in (small, large))
            ratio = f" ({b / a:.2f}x)" if a > 0 else ""
            print(f"CPU per request, {part}: {a:.1f} / {b:.1f} ms{ratio}")
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("small", type=Path, help="figures of the run at the smaller size")
    parser.add_argument("large", type=Path, help="figures of the run at the larger size")
    args = parser.parse_args(argv)
    compare(*(json.loads(path.read_text()) for path in (args.small, args.large)))


if __name__ == "__main__":
    main()
