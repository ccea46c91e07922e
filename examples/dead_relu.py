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
    "ReLU": ("relu", {}, 0.0),
    "Leaky ReLU 0.01": ("leaky_relu", {"negative_slope": 0.01}, 0.01),
    "PReLU": ("prelu", {}, 0.25),
}


def train_one(config: dict) -> dict:
    out, key, args = config["out"], config["key"], config["args"]
    done = common.finished_run(out, key, config["resume"])
    if done is not None:
        return done
    rf.manual_seed(args.seed)
    act, kwargs, slope = ACTIVATIONS[config["activation"]]
    model = rf.models.small_convnet(
        (act, dict(kwargs)), width=args.width, batch_norm=config["batch_norm"]
    )
    rf.init.init_model(model, "kaiming_normal", a=slope, generator=np.random.default_rng(args.seed))
    train, test = common.load_datasets(args, args.train_size)
    train_loader, test_loader, _ = common.loaders(args, train, test, augment=False, seed=args.seed)
    opt = optim.SGD(optim.param_groups_no_decay(model, 5e-4), lr=config["lr"], momentum=0.9)
    monitor = rf.diagnostics.DeadUnitMonitor(model)
    dead_per_epoch = []

    def record(epoch: int, metrics: dict) -> None:  # called after each epoch: what the epoch saw
        dead_per_epoch.append(monitor.dead_fractions())
        metrics["mean_dead_fraction"] = float(np.mean(list(dead_per_epoch[-1].values())))
        monitor.reset()

    try:
        history = fit(model, train_loader, opt, args.epochs, val_loader=test_loader,
                      callbacks=[record, common.duration_estimate(args, config)],
                      progress=not args.no_progress, log=lambda line: print(f"[{key}] {line}"))  # fmt: skip
        diverged = False
    except FloatingPointError:
        history, diverged = None, True
    monitor.remove()
    result = {
        "activation": config["activation"], "lr": config["lr"], "batch_norm": config["batch_norm"], "diverged": diverged,
        "dead_per_layer": dead_per_epoch[-1] if dead_per_epoch else {},
        "history": history.epochs if history else [],
    }  # fmt: skip
    return common.save_run(out, key, result)


def report(args, runs, started) -> None:
    rows = []
    for r in runs:
        dead = r["dead_per_layer"]
        layers = " / ".join(f"{100 * v:.0f}" for v in dead.values()) if dead else "–"
        test_error = (
            common.percent(1 - r["history"][-1]["val_accuracy"]) if r["history"] else "diverged"
        )
        mean_dead = common.percent(float(np.mean(list(dead.values())))) if dead else "–"
        rows.append(
            [
                r["activation"],
                r["lr"],
                "yes" if r["batch_norm"] else "no",
                mean_dead,
                layers,
                test_error,
            ]
        )
    data_name = "synthetic images" if args.synthetic else "CIFAR-10"
    markdown = (
        f"## Dead units on {data_name} ({common.sizes(args)}): small conv net (width {args.width}), "
        f"{common.count(args.epochs, 'epoch')}\n\n"
        "Dead = channel never positive during the last epoch.\n\n"
        + common.markdown_table(
            [
                "activation",
                "lr",
                "BatchNorm",
                "dead units % (mean)",
                "dead % per layer (1→5)",
                "test error %",
            ],
            rows,
        )
        + f"\nMachine: {common.machine_note(started)}.\n"
    )
    common.write_outputs(
        args.out, "dead_relu", markdown, {"args": common.typed(args), "runs": runs}
    )
    plot(args.out, runs)


def plot(out: Path, runs: list[dict]) -> None:
    """The dead-unit fraction of every run as a bar; a diverged run is marked, not drawn as 0 %."""
    plt = common.pyplot()
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(max(8, 0.9 * len(runs)), 4.5))
    labels = [f"{r['activation']}\nlr {r['lr']}{' BN' if r['batch_norm'] else ''}" for r in runs]
    tallest = 0.0
    for i, r in enumerate(runs):
        if r.get("diverged") or not r["history"]:  # no dead-unit figure: say so, not 0 %
            ax.text(
                i, 1, "diverged", rotation=90, ha="center", va="bottom", fontsize=8, color="red"
            )
            continue
        dead = r["dead_per_layer"]
        value = 100 * float(np.mean(list(dead.values()))) if dead else 0.0
        ax.bar(i, value, color="tab:blue")
        ax.text(
            i, value, f"{value:.0f}", ha="center", va="bottom", fontsize=7
        )  # 0 % is visible too
        tallest = max(tallest, value)
    ax.set_ylim(0, max(5.0, 1.15 * tallest))
    ax.set_xticks(range(len(runs)), labels, fontsize=7, rotation=45, ha="right")
    ax.set_ylabel("dead units (%)")
    fig.tight_layout()
    fig.savefig(out / "dead_relu.png", dpi=120)
    print(f"written {out / 'dead_relu.png'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=common.HelpFormatter)
    parser.add_argument(
        "--lrs",
        type=float,
        nargs=2,
        default=[0.01, 0.2],
        help="a normal and a too-large learning rate",
    )
    parser.add_argument("--width", type=int, default=16, help="channels of the first conv layers")
    parser.add_argument(
        "--train-size", type=int, default=None, help="training images (default: all)"
    )
    common.add_common_arguments(parser, epochs=3, out="results/dead_relu")
    args = common.finish_arguments(parser.parse_args(), parser)
    started = time.time()
    configs = [
        {"args": args, "out": args.out, "resume": args.resume, "activation": name, "lr": lr, "batch_norm": bn,
         "key": common.run_key(name, f"lr{lr}", "bn" if bn else "nobn")}
        for bn in (False, True) for lr in args.lrs for name in ACTIVATIONS
    ]  # fmt: skip
    common.number_runs(configs)
    grid = f"{len(ACTIVATIONS)} rectifiers × {len(args.lrs)} learning rates × with and without BatchNorm"
    common.announce(args, len(configs), grid)
    runs = common.run_jobs(train_one, configs, args)
    report(args, runs, started)


if __name__ == "__main__":
    main()
