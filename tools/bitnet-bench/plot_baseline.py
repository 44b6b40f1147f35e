# SPDX-License-Identifier: MIT
"""Draws a `bitnet-bench baseline compare` result as grouped bars.

usage: python3 bitnet-bench-plot.py COMPARISON.json OUT.png

One panel per metric (decode and prefill tokens/s, time to first token, peak
RSS), one pair of bars per run (OLD, NEW), the change in percent over each NEW
bar, coloured by its status. bitnet-bench writes the JSON and runs this script
with python3 (a data file, not an executable); it needs Debian's
python3-matplotlib.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

STATUS_COLOURS = {"same": "#4c72b0", "better": "#55a868", "worse": "#dd8452", "REGRESSION": "#c44e52"}
OLD_COLOUR = "#b0b0b0"


def scaled(metric, value):
    return value / 1e6 if metric == "peak_rss_bytes" else value


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        comparison = json.load(f)
    runs = comparison["runs"]
    if not runs:
        sys.stderr.write("error: the comparison has no runs in common\n")
        return 1
    metrics = [(m["metric"], m["label"]) for m in runs[0]["metrics"]]
    keys = [r["key"] for r in runs]
    fig, axes = plt.subplots(len(metrics), 1, figsize=(max(6.0, 1.6 * len(keys) + 2), 2.8 * len(metrics)),
                             squeeze=False)
    width = 0.38
    for row, (metric, label) in enumerate(metrics):
        ax = axes[row][0]
        old = [scaled(metric, next(m for m in r["metrics"] if m["metric"] == metric)["old"]) for r in runs]
        new_entries = [next(m for m in r["metrics"] if m["metric"] == metric) for r in runs]
        new = [scaled(metric, m["new"]) for m in new_entries]
        xs = range(len(keys))
        ax.bar([x - width / 2 for x in xs], old, width, color=OLD_COLOUR, label="OLD")
        bars = ax.bar([x + width / 2 for x in xs], new, width,
                      color=[STATUS_COLOURS.get(m["status"], "#4c72b0") for m in new_entries], label="NEW")
        for bar, m in zip(bars, new_entries):
            ax.annotate(f"{m['change_pct']:+.1f}%", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")
        ax.set_ylabel(label)
        ax.set_xticks(list(xs))
        ax.set_xticklabels(keys, fontsize=8)
        ax.margins(y=0.18)
        ax.grid(axis="y", alpha=0.3)
        if row == 0:
            handles = [Patch(color=OLD_COLOUR, label="OLD")]
            handles += [Patch(color=c, label=f"NEW: {s}") for s, c in STATUS_COLOURS.items()]
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    answers = "answers identical" if not comparison["answers_changed"] else "ANSWERS CHANGED"
    verdict = "regression" if comparison["regression"] else "no regression"
    fig.suptitle(f"bitnet-bench baseline compare: OLD vs NEW ({verdict}, {answers})", fontsize=10)
    fig.tight_layout()
    fig.savefig(argv[2], dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
