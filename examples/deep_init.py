"""He et al. (2015), Figure 3 on CIFAR-10: deep plain nets with Xavier vs Kaiming initialisation.

Part 1 — variance propagation at initialisation: for a 30-layer plain net
(no BatchNorm), the standard deviation of every layer's output (forward) and
of the gradient reaching it (backward), for Xavier + ReLU, Kaiming(a=0) + ReLU
and Kaiming(a=0.25) + PReLU. Xavier's signal shrinks by about 1/√2 per layer.

Part 2 — training: 22- and 30-layer ReLU nets, Xavier vs Kaiming, same
learning rate, over ``--seeds``; training loss and error per epoch. He et al.
saw the 30-layer Xavier net stall while Kaiming's learns. A run whose final
training error is above 85 % (chance: 90 %) is counted as stalled.

    python examples/deep_init.py
    python examples/deep_init.py --seeds 0 1 2 --workers 2
    python examples/deep_init.py --quick --synthetic
"""

from __future__ import annotations

import argparse
import time

import common
import numpy as np

import rectifiers as rf
from rectifiers import optim
from rectifiers.training import fit

INITS = {"Xavier": "xavier_uniform", "Kaiming": "kaiming_normal"}
# Kaiming's slope a comes from each net's rectifier (init_model): 0 for ReLU, 0.25 for PReLU
SIGNAL_CASES = [
    ("Xavier, ReLU", "relu", "xavier_uniform"),
    ("Kaiming a=0, ReLU", "relu", "kaiming_normal"),
    ("Kaiming a=0.25, PReLU", "prelu", "kaiming_normal"),
]
SIGNAL_LAYERS = [1, 5, 10, 15, 20, 25, 30]
STALLED = 0.85  # final training error above this: the net did not learn (chance is 0.9)


def signal_part(args: argparse.Namespace, train) -> list[dict]:
    """Forward and backward standard deviations per layer of each SIGNAL_CASE at initialisation."""
    loader = common.loaders(args, train, train, augment=False, seed=args.seeds[0]).train_eval
    images, labels = next(iter(loader))
    images, labels = images[:128], labels[:128]  # one batch is plenty for a standard deviation
    rows = []
    for label, act, scheme in SIGNAL_CASES:
        model = rf.models.plain_net(30, act)
        rf.init.init_model(model, scheme, generator=np.random.default_rng(args.seeds[0]))
        stats = rf.diagnostics.signal_statistics(model, images, rf.functional.cross_entropy, labels)
        rows.append({"case": label, "layers": stats})
    return rows


def train_one(config: dict) -> dict:
    """One (depth, init, seed) run; resumable. A run that diverges is recorded as such."""
    out, key, args, seed = config["out"], config["key"], config["args"], config["seed"]
    rf.manual_seed(seed)
    model = rf.models.plain_net(config["depth"], "relu")
    rf.init.init_model(model, INITS[config["init"]], generator=np.random.default_rng(seed))
    train, test = common.load_datasets(args, args.train_size, seed=seed)
    loaders = common.loaders(args, train, test, augment=False, seed=seed)
    opt = optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=args.weight_decay)
    record = {
        "depth": config["depth"],
        "init": config["init"],
        "seed": seed,
        **common.run_facts(args, train, test),
    }
    try:
        history = fit(
            model, loaders.train, opt, args.epochs, val_loader=loaders.test,
            checkpoint=out / "runs" / f"{key}.npz", resume=config["resume"],
            progress=not args.no_progress, callbacks=[common.duration_estimate(args, config)],
            log=lambda line: print(f"[{key}] {line}"),
        ).epochs  # fmt: skip
    except FloatingPointError as error:
        return common.save_run(out, key, {**record, "diverged": str(error), "history": []})
    final = history[-1]
    return common.save_run(out, key, {
        **record, "diverged": None, "history": history,
        "train_error": 1 - final["train_accuracy"], "test_error": 1 - final["val_accuracy"],
        "minutes": sum(h["seconds"] for h in history) / 60,
    })  # fmt: skip


def signal_table(signals: list[dict]) -> str:
    rows = []
    for case in signals:
        by_index = {s["index"]: s for s in case["layers"]}
        for direction in ("forward", "backward"):
            stds = [f"{by_index[i][f'{direction}_std']:.2g}" for i in SIGNAL_LAYERS]
            rows.append([case["case"], direction] + stds)
    header = ["init", "pass"] + [f"layer {i}" for i in SIGNAL_LAYERS]
    return common.markdown_table(header, rows)


def training_table(runs: list[dict]) -> str:
    """One row per (depth, init): mean ± std over seeds, and how many runs stalled or diverged."""
    rows = []
    for depth in sorted({r["depth"] for r in runs}):
        for init in INITS:
            group = [r for r in runs if r["depth"] == depth and r["init"] == init]
            learned = [r for r in group if not r["diverged"]]
            if not group:
                continue
            stalled = sum(r["train_error"] > STALLED for r in learned)
            losses = [r["history"][-1]["train_loss"] for r in learned]
            summaries = [common.mean_std(losses, percent=False)] if learned else [""]
            for key in ("train_error", "test_error"):
                summaries.append(common.mean_std([r[key] for r in learned]) if learned else "")
            outcome = f"{stalled} stalled, {len(group) - len(learned)} diverged"
            rows.append([f"{depth} layers", init, len(group), *summaries, outcome])
    header = ["depth", "init", "seeds", "final train loss", "train error %", "test error %", "runs"]
    return common.markdown_table(header, rows)


def report(args: argparse.Namespace, signals: list[dict], runs: list[dict], started: float) -> None:
    data_name = "synthetic images" if args.synthetic else "CIFAR-10"
    markdown = (
        "## Signal scale at initialisation, 30-layer plain net "
        "(std of each weight layer's output and of its gradient)\n\n"
        + signal_table(signals)
        + f"\n## Training deep plain ReLU nets on {data_name} ({common.sizes(args)}), "
        f"{common.count(args.epochs, 'epoch')}, SGD lr {args.lr} momentum 0.9, seeds {args.seeds}\n\n"
        + training_table(runs)
        + "\nMean ± std over seeds (the loss with 4 decimals, errors in %), from the runs that did not "
        "diverge; train error as measured during the last epoch (training mode), test error on "
        f"every test image. Stalled: final training error above {100 * STALLED:.0f} %.\n\n"
        f"Machine: {common.machine_note(started)}.\n"
    )
    record = {"args": common.typed(args), "signals": signals, "runs": runs}
    common.write_outputs(args.out, "deep_init", markdown, record)
    plot_signal(signals, args.out / "deep_init_signal.png")
    plot_training(runs, args.out / "deep_init_training.png")


def plot_signal(signals: list[dict], path) -> None:
    plt = common.pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for case in signals:
        index = [s["index"] for s in case["layers"]]
        axes[0].semilogy(index, [s["forward_std"] for s in case["layers"]], label=case["case"])
        axes[1].semilogy(index, [s["backward_std"] for s in case["layers"]], label=case["case"])
    titles = ["forward: std of layer output", "backward: std of gradient at layer output"]
    for ax, title in zip(axes, titles):
        ax.set_xlabel("layer"), ax.set_title(title), ax.grid(alpha=0.3)
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"written {path}")


def plot_training(runs: list[dict], path) -> None:
    """Training loss and error per epoch, one thin line per seed, one colour per (depth, init)."""
    plt = common.pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    colours: dict[str, str] = {}
    for run in (r for r in runs if r["history"]):
        label = f"{run['depth']} layers, {run['init']}"
        new = label not in colours
        colour = colours.setdefault(label, f"C{len(colours)}")
        dashes = "-" if run["init"] == "Kaiming" else "--"
        style = dict(color=colour, alpha=0.8, linewidth=1, linestyle=dashes)
        epochs = [h["epoch"] for h in run["history"]]
        losses = [h["train_loss"] for h in run["history"]]
        axes[0].plot(epochs, losses, label=label if new else None, **style)
        axes[1].plot(epochs, [1 - h["train_accuracy"] for h in run["history"]], **style)
    axes[0].set_title("training loss (one line per seed)"), axes[1].set_title("training error")
    for ax in axes:
        ax.set_xlabel("epoch"), ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"written {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=common.HelpFormatter)
    parser.add_argument("--depths", type=int, nargs="*", default=[22, 30],
                        help="weight layers of the plain nets")  # fmt: skip
    parser.add_argument("--lr", type=float, default=0.003,
                        help="SGD learning rate (at 0.01 the 30-layer Kaiming net started to learn, "
                        "then fell back to chance)")  # fmt: skip
    parser.add_argument("--weight-decay", type=float, default=5e-4, help="L2 penalty")
    common.add_run_arguments(parser)
    common.add_common_arguments(parser, epochs=10, out="results/deep_init")
    args = common.finish_arguments(parser.parse_args(), parser)
    started = time.time()
    train, _ = common.load_datasets(args, args.train_size)
    signals = signal_part(args, train)
    configs = [
        {"args": args, "out": args.out, "resume": args.resume, "depth": depth, "init": init,
         "seed": seed, "key": common.run_key(depth, init, f"seed{seed}")}
        for depth in args.depths for init in INITS for seed in args.seeds
    ]  # fmt: skip
    common.number_runs(configs)
    grid = f"depths {args.depths} × Xavier and Kaiming × {common.count(len(args.seeds), 'seed')}"
    common.announce(args, len(configs), grid)
    runs = common.run_jobs(train_one, configs, args)
    report(args, signals, runs, started)


if __name__ == "__main__":
    main()
