"""Dead ReLUs: the fraction of units that never fire, for ReLU, Leaky ReLU and PReLU.

A unit (channel) whose input stays negative outputs zero and, with ReLU,
receives no gradient, so it stays dead. A too-large learning rate kills
units; a negative slope (Leaky ReLU, PReLU) keeps a gradient flowing;
BatchNorm re-centres inputs every step. This script trains the same small
net for every combination and reports, per activation layer, the fraction of
channels never positive during the last epoch
(``rectifiers.diagnostics.DeadUnitMonitor``).

    python examples/dead_relu.py
    python examples/dead_relu.py --quick --synthetic
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import common
import numpy as np

import rectifiers as rf
from rectifiers import optim
from rectifiers.training import fit

ACTIVATIONS = {
    "ReLU": ("relu", {}),
    "Leaky ReLU 0.01": ("leaky_relu", {"negative_slope": 0.01}),
    "PReLU": ("prelu", {}),
}


def train_one(config: dict) -> dict:
    """One (rectifier, lr, BatchNorm) run: the dead-unit fractions after every epoch it finished."""
    out, key, args = config["out"], config["key"], config["args"]
    rf.manual_seed(args.seed)
    act, kwargs = ACTIVATIONS[config["activation"]]
    model = rf.models.small_convnet(
        (act, dict(kwargs)), width=args.width, batch_norm=config["batch_norm"]
    )
    rf.init.init_model(model, "kaiming_normal", generator=np.random.default_rng(args.seed))
    train, test = common.load_datasets(args, args.train_size)
    loaders = common.loaders(args, train, test, augment=False, seed=args.seed)
    opt = optim.SGD(optim.param_groups_no_decay(model, 5e-4), lr=config["lr"], momentum=0.9)
    monitor = rf.diagnostics.DeadUnitMonitor(model)
    dead_per_epoch = []

    def record(epoch: int, metrics: dict) -> None:  # called after each epoch: what the epoch saw
        dead_per_epoch.append(monitor.dead_fractions())
        metrics["mean_dead_fraction"] = float(np.mean(list(dead_per_epoch[-1].values())))
        monitor.reset()

    history, diverged = [], None
    try:
        history = fit(
            model, loaders.train, opt, args.epochs, val_loader=loaders.test,
            callbacks=[record, common.duration_estimate(args, config)],
            progress=not args.no_progress, log=lambda line: print(f"[{key}] {line}"),
        ).epochs  # fmt: skip
    except FloatingPointError as error:  # the epochs before it keep their dead-unit counts
        diverged = {"after_epochs": len(dead_per_epoch), "error": str(error)}
    monitor.remove()
    return common.save_run(out, key, {
        **common.run_facts(args, train, test), "activation": config["activation"],
        "lr": config["lr"], "batch_norm": config["batch_norm"], "seed": args.seed, "diverged": diverged,
        "dead_per_epoch": dead_per_epoch, "history": history,
    })  # fmt: skip


def mean_dead(fractions: dict) -> float:
    return float(np.mean(list(fractions.values())))


def label(run: dict) -> str:
    return f"{run['activation']}, lr {run['lr']}{', BN' if run['batch_norm'] else ''}"


def dead_table(runs: list[dict]) -> str:
    rows = []
    for r in runs:
        dead = r["dead_per_epoch"]
        curve = (
            " → ".join(common.percent(mean_dead(d)).rstrip("0").rstrip(".") for d in dead) or "–"
        )
        last = " / ".join(f"{100 * v:.0f}" for v in dead[-1].values()) if dead else "–"
        if r["diverged"]:
            outcome = f"diverged in epoch {r['diverged']['after_epochs'] + 1}"
        else:
            outcome = common.percent(1 - r["history"][-1]["val_accuracy"])
        rows.append(
            [r["activation"], r["lr"], "yes" if r["batch_norm"] else "no", curve, last, outcome]
        )
    header = ["activation", "lr", "BatchNorm", "dead units %, mean over layers, per epoch",
              "dead % per layer, last epoch (1→5)", "test error %"]  # fmt: skip
    return common.markdown_table(header, rows)


def report(args: argparse.Namespace, runs: list[dict], started: float) -> None:
    data_name = "synthetic images" if args.synthetic else "CIFAR-10"
    markdown = (
        f"## Dead units on {data_name} ({common.sizes(args)}): small conv net (width {args.width}), "
        f"{common.count(args.epochs, 'epoch')}, seed {args.seed}\n\n"
        "Dead = channel never positive during that epoch. A run that diverged shows the epochs "
        "before it.\n\n" + dead_table(runs) + f"\nMachine: {common.machine_note(started)}.\n"
    )
    common.write_outputs(
        args.out, "dead_relu", markdown, {"args": common.typed(args), "runs": runs}
    )
    plot(args.out, runs)


def plot(out: Path, runs: list[dict]) -> None:
    """Dead-unit fraction per epoch, one line per run; a diverged run ends in a red ×, labelled."""
    plt = common.pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    for ax, batch_norm in zip(axes, (False, True)):
        for r in (run for run in runs if run["batch_norm"] == batch_norm):
            values = [100 * mean_dead(d) for d in r["dead_per_epoch"]]
            epochs = list(range(1, len(values) + 1))
            name = label(r) + (" (diverged)" if r["diverged"] else "")
            style = "-" if r["lr"] == min(run["lr"] for run in runs) else "--"
            ax.plot(epochs, values, style, marker="o", markersize=3, label=name)
            if r["diverged"]:  # where it ended: after its last finished epoch
                ax.plot(
                    len(values) + 0.5, values[-1] if values else 0, "x", color="red", markersize=9
                )
        ax.set_title("with BatchNorm" if batch_norm else "without BatchNorm")
        ax.set_xlabel("epoch"), ax.grid(alpha=0.3), ax.legend(fontsize=7)
    axes[0].set_ylabel("dead units, mean over layers (%)")
    fig.tight_layout()
    fig.savefig(out / "dead_relu.png", dpi=120)
    print(f"written {out / 'dead_relu.png'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=common.HelpFormatter)
    parser.add_argument("--lrs", type=float, nargs=2, default=[0.01, 0.2],
                        help="a normal and a too-large learning rate")  # fmt: skip
    parser.add_argument("--width", type=int, default=16, help="channels of the first conv layers")
    common.add_run_arguments(parser, seeds=False)
    common.add_common_arguments(parser, epochs=3, out="results/dead_relu")
    args = common.finish_arguments(parser.parse_args(), parser)
    started = time.time()
    configs = [
        {"args": args, "out": args.out, "resume": args.resume, "activation": name, "lr": lr,
         "batch_norm": bn, "key": common.run_key(name, f"lr{lr}", "bn" if bn else "nobn", f"seed{args.seed}")}
        for bn in (False, True) for lr in args.lrs for name in ACTIVATIONS
    ]  # fmt: skip
    common.number_runs(configs)
    grid = f"{len(ACTIVATIONS)} rectifiers × {len(args.lrs)} learning rates × with and without BatchNorm"
    common.announce(args, len(configs), grid)
    runs = common.run_jobs(train_one, configs, args)
    report(args, runs, started)


if __name__ == "__main__":
    main()
