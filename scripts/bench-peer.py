"""The notebook peer of `npm run bench`: what a pandas notebook does to get the pairwise envelope.

    python3 scripts/bench-peer.py <folder>

Reads every *.jsonl file of the folder with pandas (`read_json(lines=True)`, one model per file,
named by the file), joins the models on `id`, keeps the calibration queries (`split` = train),
sorts each model's confidences once and takes one cumulative sum per cheap -> expensive pair,
then keeps the Pareto points of every single model and pair threshold. Prints one JSON line:
seconds to load and to compute (wall clock, from after the imports, as in a notebook whose
kernel has pandas loaded), the CPU seconds of that work, the peak resident memory, the number
of queries and of envelope vertices.
"""

import glob
import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd


def main(folder: str) -> None:
    started = time.perf_counter()
    cpu_started = time.process_time()
    frames = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.jsonl"))):
        name = os.path.basename(path)[: -len(".jsonl")]
        frames[name] = pd.read_json(path, lines=True).set_index("id")[["split", "correct", "confidence", "cost"]]
    loaded = time.perf_counter()

    joined = pd.concat(frames, axis=1, join="inner")
    first = next(iter(frames))
    cal = joined[joined[(first, "split")] == "train"]
    n = len(cal)
    names = sorted(frames, key=lambda m: (cal[(m, "cost")].mean(), m))
    cost = {m: cal[(m, "cost")].to_numpy(dtype=float) for m in names}
    quality = {m: cal[(m, "correct")].to_numpy(dtype=float) for m in names}
    confidence = {m: cal[(m, "confidence")].to_numpy(dtype=float) for m in names}

    point_cost = [np.array([cost[m].mean() for m in names])]
    point_quality = [np.array([quality[m].mean() for m in names])]
    for i, a in enumerate(names):
        order = np.argsort(confidence[a], kind="stable")
        sorted_confidence = confidence[a][order]
        # A threshold escalates whole groups of tied confidences: one point per distinct value.
        ends = np.flatnonzero(np.append(sorted_confidence[1:] != sorted_confidence[:-1], True))
        for b in names[i + 1 :]:
            extra_cost = np.cumsum(cost[b][order])[ends]
            extra_quality = np.cumsum((quality[b] - quality[a])[order])[ends]
            point_cost.append((cost[a].sum() + extra_cost) / n)
            point_quality.append((quality[a].sum() + extra_quality) / n)
    all_cost = np.concatenate(point_cost)
    all_quality = np.concatenate(point_quality)
    by_cost = np.lexsort((-all_quality, all_cost))
    best_before = np.maximum.accumulate(np.concatenate(([-np.inf], all_quality[by_cost][:-1])))
    vertices = int(np.count_nonzero(all_quality[by_cost] > best_before))
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "loadSeconds": loaded - started,
                "computeSeconds": done - loaded,
                "cpuSeconds": time.process_time() - cpu_started,
                "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "queries": n,
                "vertices": vertices,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
