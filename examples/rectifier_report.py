"""Tables and plots of a rectifier comparison, rebuilt from its run records alone.

    python examples/rectifier_report.py results/compare_rectifiers [more folders …] [--out DIR]
    python examples/rectifier_report.py results/compare_rectifiers --seeds 0 1 2 --out DIR

Reads every ``runs/*.json`` record under the folders given (each states its
activation, seed, dataset, train_size, augment, epochs, lr, train_error,
test_error and minutes beside its history) and writes ``report.md``,
``report.json`` (the numbers of the tables), ``curves.png`` (errors per epoch
at the smallest size, over seeds) and ``data_size.png`` when the records hold
more than one training-set size. Where runs differ only in their training-set size
(a data-size curve), the report opens with the curve as tables: a row per rectifier,
a column per size, each rectifier's difference from ReLU beside its mean. Then, per
training-set size:

* each rectifier's train error, test error and generalisation gap (test − train)
  as mean ± std [95 % CI] over seeds, and how fast it fits: its training error
  during training (training mode), averaged over the epochs;
* each rectifier against ReLU, paired by seed: the mean difference with its
  95 % CI and the paired t-test's p, and whether the data resolve it.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import common
import numpy as np
import seed_statistics as st

METRICS = {
    "train_error": "train error %",
    "test_error": "test error %",
    "gap": "gap (test − train) %",
    # how fast each rectifier fits, where all end at 0 % training error: the mean over
    # epochs of the training error measured during each epoch (training mode)
    "fitting_error": "training error during training, mean over epochs %",
}
BASELINE = "ReLU"
# the paper's order (compare_rectifiers.ACTIVATIONS); other names follow, alphabetically
ORDER = ["ReLU", "Leaky ReLU, a=100", "Leaky ReLU, a=5.5", "PReLU", "RReLU, a~U(3,8)"]
CONFIG_FIELDS = (
    "dataset",
    "arch",
    "train_size",
    "augment",
    "epochs",
    "lr",
    "batch_size",
    "test_size",
)


def load_records(folders: list[Path]) -> list[dict]:
    """Every run record under ``folders``/runs, with its gap and fitting error added.

    A folder without runs/ is an error; records of an older format (without
    ``train_size``) are left out, and said so.
    """
    records, older = [], []
    for folder in folders:
        runs = Path(folder) / "runs"
        if not runs.is_dir():
            raise SystemExit(f"error: {runs} does not exist: give the results folder of a sweep")
        for path in sorted(runs.glob("*.json")):
            record = json.loads(path.read_text())
            if "train_size" not in record:
                older.append(path.name)
                continue
            records.append(record)
    if older:
        print(
            f"left out {len(older)} records of an older format (no train_size): {', '.join(older)}"
        )
    return records


def sort_key(config: tuple) -> tuple:
    """Configurations in a readable order: numbers as numbers (2,500 before 10,000), the rest as text."""
    return tuple(
        (0, value, "") if isinstance(value, (int, float)) and not isinstance(value, bool)
        else (1, 0, str(value))
        for value in config
    )  # fmt: skip


def with_derived_metrics(record: dict) -> dict:
    """The record with its gap (test − train error) and fitting error (nan without a history);
    a diverged run's record as it is (it has no errors to derive from)."""
    if record.get("diverged"):
        return record
    history = record.get("history") or [{"train_accuracy": float("nan")}]
    return {
        **record,
        "gap": record["test_error"] - record["train_error"],
        "fitting_error": 1 - float(np.mean([h["train_accuracy"] for h in history])),
    }


def group(records: list[dict]) -> dict[tuple, dict[str, dict[int, dict]]]:
    """config (dataset, arch, size, …) → activation → seed → record."""
    groups: dict[tuple, dict[str, dict[int, dict]]] = defaultdict(lambda: defaultdict(dict))
    for r in records:
        config = tuple(r.get(field) for field in CONFIG_FIELDS)
        groups[config][r["activation"]][r["seed"]] = r
    return groups


def analyse(records: list[dict]) -> list[dict]:
    """One entry per configuration: the summaries and paired comparisons of its rectifiers.

    A diverged run has no errors: it is counted per rectifier (``diverged_seeds``)
    and left out of every summary and comparison, which pair only the seeds where
    both rectifiers trained.
    """
    results = []
    for config, by_activation in sorted(group(records).items(), key=lambda kv: sort_key(kv[0])):
        entry = {
            "config": dict(zip(CONFIG_FIELDS, config)),
            "rectifiers": {}, "versus_relu": {}, "pairwise": {},
        }  # fmt: skip
        by_activation = dict(sorted(by_activation.items(), key=lambda kv: in_order(kv[0])))
        diverged = {
            name: sorted(s for s, r in runs.items() if r.get("diverged"))
            for name, runs in by_activation.items()
        }
        by_activation = {
            name: {s: with_derived_metrics(r) for s, r in runs.items() if not r.get("diverged")}
            for name, runs in by_activation.items()
        }
        for name, runs in by_activation.items():
            entry["rectifiers"][name] = {
                "seeds": sorted(runs),
                "diverged_seeds": diverged[name],
                "minutes": sum(r["minutes"] for r in runs.values()),
                **{m: st.summarise([runs[s][m] for s in sorted(runs)]) for m in METRICS},
            }
        baseline = by_activation.get(BASELINE, {})
        for name, runs in by_activation.items():
            shared = sorted(set(runs) & set(baseline))
            if name == BASELINE or len(shared) < 2:
                continue
            entry["versus_relu"][name] = {
                m: st.compare([baseline[s][m] for s in shared], [runs[s][m] for s in shared])
                for m in METRICS
            }
        adjust_for_multiplicity(entry["versus_relu"])
        entry["pairwise"] = pairwise(by_activation)
        results.append(entry)
    return results


def adjust_for_multiplicity(versus_relu: dict[str, dict[str, dict]]) -> None:
    """Per metric, Holm-adjust the p-values of every rectifier's comparison with ReLU
    (one family): each comparison gains ``p_holm`` and ``resolved_holm`` (p_holm < 0.05)."""
    for metric in METRICS:
        family = [comparisons[metric] for comparisons in versus_relu.values()]
        for comparison, p in zip(family, st.holm([c["p"] for c in family])):
            comparison["p_holm"], comparison["resolved_holm"] = p, p < 0.05


def pairwise(by_activation: dict[str, dict[int, dict]]) -> dict[str, dict[str, dict]]:
    """For train, test and fitting error: every rectifier B against every other A, paired by seed (B − A)."""
    table: dict[str, dict[str, dict]] = {"train_error": {}, "test_error": {}, "fitting_error": {}}
    for metric, cells in table.items():
        for b, runs_b in by_activation.items():
            for a, runs_a in by_activation.items():
                shared = sorted(set(runs_a) & set(runs_b))
                if a != b and len(shared) >= 2:
                    values_a = [runs_a[s][metric] for s in shared]
                    cells[f"{b} − {a}"] = st.compare(values_a, [runs_b[s][metric] for s in shared])
    return table


def in_order(name: str) -> tuple[int, str]:
    return (ORDER.index(name) if name in ORDER else len(ORDER), name)


def describe(config: dict) -> str:
    augment = "random crops and flips" if config["augment"] else "no augmentation"
    epochs = common.count(config["epochs"], "epoch")
    return (
        f"{config['dataset']}, {config['arch']} net, {config['train_size']} training images, "
        f"{epochs}, lr {config['lr']}, batch {config['batch_size']}, {augment}, "
        f"tested on {config['test_size']} images"
    )


def markdown(results: list[dict]) -> str:
    parts = [size_summary(curve) for curve in curves(results)]
    for entry in results:
        parts.append(f"### {describe(entry['config'])}\n")
        summaries = entry["rectifiers"].items()
        rows = [
            [name, len(s["seeds"])] + [st.mean_ci(s[m]) for m in METRICS] for name, s in summaries
        ]
        header = ["rectifier", "seeds", *METRICS.values()]
        if any(s["diverged_seeds"] for _, s in summaries):  # a column only where some run diverged
            header.insert(2, "diverged (left out)")
            for row, (_, s) in zip(rows, summaries):
                row.insert(2, diverged_text(s["diverged_seeds"]))
        parts.append(common.markdown_table(header, rows))
        if entry["versus_relu"]:
            rows = [
                [name]
                + [st.difference(c[m]) + (" ✓" if c[m]["resolved_holm"] else "") for m in METRICS]
                for name, c in entry["versus_relu"].items()
            ]
            header = ["rectifier − ReLU, paired by seed"] + [
                f"Δ {label}" for label in METRICS.values()
            ]
            parts.append("\n" + common.markdown_table(header, rows))
        for metric, cells in entry["pairwise"].items():
            if cells:
                parts.append("\n" + pairwise_table(list(entry["rectifiers"]), metric, cells))
        parts.append("")
    parts.append(
        "Mean ± std [95 % CI of the mean, Student's t] over seeds, in percentage points. Δ: the "
        "mean per-seed difference (from ReLU, or row − column) [95 % CI], p of the paired t-test. "
        "Against ReLU, Holm: p adjusted over the family of comparisons with ReLU (one family per "
        "column), ✓ where it is below 0.05 (resolved by these seeds, with at most a 5 % chance of "
        "any false ✓ in the column). Between every pair (row − column), ✓ where the 95 % interval "
        "excludes 0, uncorrected: of many such pairs some pass by chance, so read them as leads. "
        "Otherwise the data do not resolve it. Bootstrap intervals of the same differences are in "
        "report.json. A run whose loss diverged has no errors: it is counted, and left out of every "
        "mean and pairing.\n"
    )
    return "\n".join(parts)


def curves(results: list[dict]) -> list[list[dict]]:
    """The entries that differ only in training-set size (and so epochs), grouped, smallest size
    first: each group of more than one size is a data-size curve."""
    groups = defaultdict(list)
    for entry in results:
        rest = {k: v for k, v in entry["config"].items() if k not in ("train_size", "epochs")}
        groups[json.dumps(rest, sort_keys=True)].append(entry)
    return [
        sorted(entries, key=lambda e: e["config"]["train_size"])
        for entries in groups.values()
        if len({e["config"]["train_size"] for e in entries}) > 1
    ]


def size_summary(curve: list[dict]) -> str:
    """The data-size curve as tables, one per metric: a row per rectifier, a column per size;
    each cell mean ± std over seeds, and below ReLU's row the paired difference from ReLU
    [95 % CI], ✓ where resolved after Holm's adjustment."""
    config = curve[0]["config"]
    parts = [
        f"### Against training-set size: {config['dataset']}, {config['arch']} net, lr "
        f"{config['lr']}, {'with' if config['augment'] else 'no'} augmentation\n"
    ]
    names = sorted({n for e in curve for n in e["rectifiers"]}, key=in_order)
    columns = [
        f"{e['config']['train_size']:,} images, {common.count(e['config']['epochs'], 'epoch')}"
        for e in curve
    ]
    for metric in ("test_error", "gap", "train_error"):
        rows = [[name] + [size_cell(e, name, metric) for e in curve] for name in names]
        parts.append(common.markdown_table([METRICS[metric], *columns], rows))
    parts.append(
        "Mean ± std over seeds (n seeds); Δ: minus ReLU's, paired by seed [95 % CI], ✓ where "
        "resolved after Holm's adjustment. The sections below give every number per size.\n"
    )
    return "\n".join(parts)


def size_cell(entry: dict, name: str, metric: str) -> str:
    """'12.34 ± 0.56 (n=3); Δ -0.78 [-1.90, 0.34]' for one rectifier at one size, '(n=2, 1
    diverged)' where runs diverged, '—' for the mean if all did; '' if it has no run there."""
    summary = entry["rectifiers"].get(name)
    if summary is None:
        return ""
    s, diverged = summary[metric], len(summary["diverged_seeds"])
    counts = f"(n={s['n']}" + (f", {diverged} diverged)" if diverged else ")")
    if s["mean"] is None:
        return f"— {counts}"
    text = st.points(s["mean"]) + (f" ± {st.points(s['std'])}" if s["std"] is not None else "")
    text += f" {counts}"
    comparison = entry["versus_relu"].get(name, {}).get(metric)
    if comparison is not None:
        low, high = comparison["ci"]
        text += (
            f"; Δ {100 * comparison['mean_difference']:+.2f} [{st.points(low)}, {st.points(high)}]"
            + (" ✓" if comparison["resolved_holm"] else "")
        )
    return text


def diverged_text(seeds: list[int]) -> str:
    """[] → '0', [2] → '1 (seed 2)', [0, 3] → '2 (seeds 0, 3)'."""
    if not seeds:
        return "0"
    return f"{len(seeds)} ({'seed' if len(seeds) == 1 else 'seeds'} {', '.join(map(str, seeds))})"


def pairwise_table(names: list[str], metric: str, cells: dict[str, dict]) -> str:
    """Row B, column A: the mean per-seed difference B − A in points, ✓ where resolved."""
    rows = []
    for b in names:
        row = [b]
        for a in names:
            cell = cells.get(f"{b} − {a}")
            if cell is None:
                row.append("")
                continue
            mark = " ✓" if cell["resolved"] else ""
            row.append(f"{100 * cell['mean_difference']:+.2f}{mark}")
        rows.append(row)
    return common.markdown_table([f"Δ {METRICS[metric]}: row − column"] + names, rows)


def plot_data_size(results: list[dict], path: Path) -> bool:
    """Against training-set size, one line per rectifier with 95 % CI bars: test error, the
    gap (test − train), and the paired difference from ReLU's test error (where a rectifier
    stops helping, its interval reaches 0)."""
    sizes = sorted({e["config"]["train_size"] for e in results})
    plt = common.pyplot() if len(sizes) > 1 else None
    if plt is None:
        return False
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.2))
    names = list(dict.fromkeys(n for e in results for n in e["rectifiers"]))
    by_size = sorted(results, key=lambda e: e["config"]["train_size"])
    for offset, name in enumerate(names):
        shift = 1 + 0.02 * (offset - len(names) / 2)  # side by side, not on top of each other
        summaries = [(e["config"]["train_size"], e["rectifiers"].get(name)) for e in by_size]
        summaries = [(size, s) for size, s in summaries if s and s["seeds"]]
        for ax, metric in zip(axes, ("test_error", "gap")):
            error_bars(ax, [(size * shift, s[metric]["mean"], s[metric]["ci"]) for size, s in summaries],
                       label=name)  # fmt: skip
        differences = [
            (e["config"]["train_size"] * shift, c["mean_difference"], c["ci"])
            for e in by_size
            if (c := e["versus_relu"].get(name, {}).get("test_error"))
        ]
        error_bars(axes[2], differences, label=name)
    axes[2].axhline(0, color="black", lw=0.8)
    titles = ("test error %", "generalisation gap (test − train) %",
              "test error − ReLU's, paired by seed (points)")  # fmt: skip
    for ax, title in zip(axes, titles):
        ax.set_xscale("log"), ax.set_xlabel("training images"), ax.set_title(title, fontsize=10)
        ax.set_xticks(sizes, [f"{size:,}" for size in sizes]), ax.minorticks_off()
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return True


def error_bars(ax, points: list[tuple[float, float, tuple | None]], label: str) -> None:
    """(x, value, 95 % CI or None) → one line with error bars, in percentage points; nothing for
    no points. Keeps the colour order: a rectifier has the same colour in every panel."""
    if not points:
        ax.plot([], [])  # take this rectifier's colour, so the next one keeps its own
        return
    xs, ys = [x for x, _, _ in points], [100 * y for _, y, _ in points]
    bars = [0 if ci is None else 100 * (ci[1] - y) for _, y, ci in points]
    ax.errorbar(xs, ys, yerr=bars, marker="o", capsize=3, label=label)


def plot_curves(records: list[dict], path: Path) -> bool:
    """Per epoch, at the smallest training-set size: training error (training mode, during the
    epoch) and test error on the curve images, the mean over seeds with its min–max band."""
    with_history = [r for r in records if r.get("history")]
    if not with_history:
        return False
    plt = common.pyplot()
    if plt is None:
        return False
    size = min(r["train_size"] for r in with_history)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    names = sorted({r["activation"] for r in with_history}, key=in_order)
    for name in names:
        runs = [r for r in with_history if r["activation"] == name and r["train_size"] == size]
        epochs = min(len(r["history"]) for r in runs)
        for ax, key in zip(axes, ("train_accuracy", "val_accuracy")):
            errors = 100 * (1 - np.array([[h[key] for h in r["history"][:epochs]] for r in runs]))
            x = np.arange(1, epochs + 1)
            (line,) = ax.plot(
                x, errors.mean(axis=0), label=f"{name} ({common.count(len(runs), 'seed')})"
            )
            ax.fill_between(
                x, errors.min(axis=0), errors.max(axis=0), color=line.get_color(), alpha=0.15
            )
    for ax, title in zip(
        axes, ("training error % (training mode, during the epoch)", "test error % (curve images)")
    ):
        ax.set_xlabel("epoch"), ax.set_title(title, fontsize=9), ax.grid(alpha=0.3)
    axes[1].legend(fontsize=8)
    fig.suptitle(f"{size} training images: mean over seeds, band min–max", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return True


def write_report(folders: list[Path], out: Path, seeds: list[int] | None = None) -> str:
    """Analyse the records under ``folders`` (only ``seeds``' when given: the same seeds at every
    size, say); write report.md, report.json and the plots to ``out``."""
    records = load_records(folders)
    if seeds is not None:
        records = [r for r in records if r["seed"] in seeds]
        if not records:
            raise SystemExit(
                f"error: no record under {', '.join(map(str, folders))} has a seed in {seeds}"
            )
    results = analyse(records)
    text = markdown(results)
    out.mkdir(parents=True, exist_ok=True)
    common.atomic_write_text(out / "report.md", text)
    common.atomic_write_text(out / "report.json", json.dumps(results, indent=2))
    if plot_data_size(results, out / "data_size.png"):
        print(f"written {out / 'data_size.png'}")
    if plot_curves(records, out / "curves.png"):
        print(f"written {out / 'curves.png'}")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=common.HelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path, help="results folders holding runs/*.json")
    parser.add_argument(
        "--out", type=Path, default=None, help="where to write (default: the first folder)"
    )
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=None,
        help="only these seeds' records (default: all)",
    )
    args = parser.parse_args()
    print(write_report(args.folders, args.out or args.folders[0], args.seeds))


if __name__ == "__main__":
    main()
