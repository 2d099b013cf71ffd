#!/usr/bin/env python3
"""Writes a synthetic `zerolab compare hexapawn` run folder, for developing the notebook only.

The folder holds `metrics.jsonl` in the format the real comparison writes (one JSON object per
measurement, see notebooks/supervised_vs_selfplay.ipynb), its `best_possible.json` for 3x3 and a
stub `report.md`. Curves are made up but shaped like the real thing: supervised learning from solver labels reaches perfect play in
fewer positions than self-play; one self-play run of the grid stays short of 1.0, so the
notebook's "not reached" path is exercised.

Usage: fake_compare_run.py OUT_DIR [--grid] [--points N] [--seed S]
"""
import argparse
import json
import math
import pathlib
import random

METHODS = ["selfplay", "supervised"]


def curve(t: float, rate: float, ceiling: float) -> float:
    """Saturating rise from 0 to `ceiling` as t goes from 0 to 1."""
    return ceiling * (1.0 - math.exp(-rate * t))


def run_rows(method, init, activation, points, rng, reaches):
    # Supervised is fast per position; self-play needs more positions and more wall time.
    positions_per_iter = 256 if method == "supervised" else 512
    seconds_per_iter = 0.05 if method == "supervised" else 0.4
    rate = rng.uniform(6.0, 9.0) if method == "supervised" else rng.uniform(3.5, 5.5)
    if activation == "tanh":
        rate *= 0.8
    rows = []
    wall = 0.0
    for i in range(points):  # iteration 0 is the untrained network, as in the real runs
        t = i / (points - 1)
        if i > 0:
            wall += seconds_per_iter * rng.uniform(0.9, 1.1)
        noise = rng.uniform(-0.02, 0.02)
        acc = min(1.0, max(0.0, curve(t, rate, 1.08) + noise))
        if reaches and t > 0.75:
            acc = 1.0
        if not reaches:
            acc = min(acc, 0.95)
        sign = min(1.0, max(0.0, 0.5 + curve(t, rate * 1.2, 0.55) + noise))
        mse = max(1e-4, 1.0 * math.exp(-rate * t) + 0.002 + abs(noise) * 0.1)
        black = 1.0 if acc >= 1.0 else round(acc * 0.8, 3)
        rows.append({
            "method": method,
            "init": init,
            "activation": activation,
            "size": "3x3",
            "seed": 1,
            "iteration": i,
            "wall_seconds": round(wall, 4),
            "positions_seen": i * positions_per_iter,
            "optimal_move_accuracy": round(acc, 4),
            "value_sign_accuracy": round(sign, 4),
            "value_mse": round(mse, 5),
            # Hexapawn 3x3 is a win for Black: a perfect Black always beats White.
            "score_vs_perfect_as_white": 0.0,
            "score_vs_perfect_as_black": black,
            "score_vs_random": round(min(1.0, 0.5 + 0.5 * acc), 3),
            "search_score_vs_perfect_as_white": 0.0,
            "search_score_vs_perfect_as_black": 1.0 if acc > 0.9 else round(acc * 0.9, 3),
            "search_score_vs_random": round(min(1.0, 0.6 + 0.45 * acc), 3),
            "loss": round(1.5 * math.exp(-rate * t) + 0.05 + abs(noise), 4),
        })
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="run folder to write (created if missing)")
    ap.add_argument("--grid", action="store_true", help="2x2 grid of inits x activations")
    ap.add_argument("--points", type=int, default=20, help="measurements per run (10-30)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.points < 2:
        ap.error("--points must be at least 2")
    rng = random.Random(args.seed)
    inits = ["he_normal", "xavier_uniform"] if args.grid else ["he_normal"]
    activations = ["relu", "tanh"] if args.grid else ["relu"]
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for init in inits:
        for activation in activations:
            for method in METHODS:
                reaches = not (args.grid and method == "selfplay"
                               and init == "xavier_uniform" and activation == "tanh")
                rows += run_rows(method, init, activation, args.points, rng, reaches)
    with open(out / "metrics.jsonl", "w") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    (out / "report.md").write_text("# Synthetic compare run\n\nWritten by scripts/fake_compare_run.py.\n")
    # The values `zerolab compare hexapawn --size 3x3` writes (from the exact solver, 10 games).
    best = {
        "size": "3x3", "winner": "Black", "plies": 6,
        "optimal_move_accuracy": 1.0, "value_sign_accuracy": 1.0, "value_mse": 0.0,
        "score_vs_perfect_as_white": 0.0, "score_vs_perfect_as_black": 1.0, "score_vs_random": 0.9375,
        "win_chance_vs_random_as_white": 0.875, "win_chance_vs_random_as_black": 1.0,
    }
    (out / "best_possible.json").write_text(json.dumps(best, indent=2, sort_keys=True) + "\n")
    runs = len(inits) * len(activations) * len(METHODS)
    print(f"fake run: {runs} runs x {args.points} measurements written to {out}")


if __name__ == "__main__":
    main()
