"""He et al. (2015), Figure 3 on CIFAR-10: deep plain nets with Xavier vs Kaiming initialisation.

Part 1 — variance propagation at initialisation: for a 30-layer plain net
(no BatchNorm), the standard deviation of every layer's output (forward) and
of the gradient reaching it (backward), for Xavier + ReLU, Kaiming(a=0) + ReLU
and Kaiming(a=0.25) + PReLU. Xavier's signal shrinks by about 1/√2 per layer.

Part 2 — training: 22- and 30-layer ReLU nets, Xavier vs Kaiming, same
learning rate; training loss and error per epoch. He et al. saw the
30-layer Xavier net stall while Kaiming's learns.

    python examples/deep_init.py
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

INITS = {"Xavier": ("xavier_uniform", 0.0), "Kaiming": ("kaiming_normal", 0.0)}
SIGNAL_CASES = [
    ("Xavier, ReLU", "relu", "xavier_uniform", 0.0),
    ("Kaiming a=0, ReLU", "relu", "kaiming_normal", 0.0),
    ("Kaiming a=0.25, PReLU", "prelu", "kaiming_normal", 0.25),
]


def signal_part(args: argparse.Namespace, train) -> list[dict]:
    loader = common.loaders(args, train, train, augment=False, seed=args.seed)[2]
    images, labels = next(iter(loader))
    images, labels = (
        images[:128],
        labels[:128],
    )  # one batch of 128 is plenty for a standard deviation
    rows = []
    for label, act, scheme, a in SIGNAL_CASES:
        model = rf.models.plain_net(30, act)
        rf.init.init_model(model, scheme, a=a, generator=np.random.default_rng(args.seed))
        stats = rf.diagnostics.signal_statistics(model, images, rf.functional.cross_entropy, labels)
        rows.append({"case": label, "layers": stats})
    return rows


def train_one(config: dict) -> dict:
    out, key, args = config["out"], config["key"], config["args"]
    done = common.finished_run(out, key, config["resume"])
    if done is not None:
        return done
    rf.manual_seed(args.seed)
    model = rf.models.plain_net(config["depth"], "relu")
    scheme, a = INITS[config["init"]]
    rf.init.init_model(model, scheme, a=a, generator=np.random.default_rng(args.seed))
    train, test = common.load_datasets(args, args.train_size)
    train_loader, test_loader, _ = common.loaders(args, train, test, augment=False, seed=args.seed)
    opt = optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=args.weight_decay)
    try:
        history = fit(model, train_loader, opt, args.epochs, val_loader=test_loader, checkpoint=out / "runs" / f"{key}.npz",
                      resume=config["resume"], progress=not args.no_progress,
                      callbacks=[common.duration_estimate(args, config)],
                      log=lambda line: print(f"[{config['depth']} layers, {config['init']}] {line}")).epochs  # fmt: skip
        diverged = False
    except FloatingPointError:
        history, diverged = [], True
    return common.save_run(
        out,
        key,
        {
            "depth": config["depth"],
            "init": config["init"],
            "diverged": diverged,
            "history": history,
        },
    )


def report(args, signals, runs, started) -> None:
    picks = [1, 5, 10, 15, 20, 25, 30]
    sig_rows = []
    for case in signals:
        by_index = {s["index"]: s for s in case["layers"]}
        sig_rows.append(
            [case["case"], "forward"] + [f"{by_index[i]['forward_std']:.2g}" for i in picks]
        )
        sig_rows.append(
            [case["case"], "backward"] + [f"{by_index[i]['backward_std']:.2g}" for i in picks]
        )
    train_rows = []
    for run in runs:
        h = run["history"]
        if not h:
            train_rows.append([f"{run['depth']} layers", run["init"], "diverged", "", ""])
            continue
        loss = f"{h[0]['train_loss']:.3f}" + (f" → {h[-1]['train_loss']:.3f}" if len(h) > 1 else "")
        train_rows.append([f"{run['depth']} layers", run["init"], loss,
                           common.percent(1 - h[-1]["train_accuracy"]), common.percent(1 - h[-1]["val_accuracy"])])  # fmt: skip
    data_name = "synthetic images" if args.synthetic else "CIFAR-10"
    markdown = (
        "## Signal scale at initialisation, 30-layer plain net (std of each weight layer's output and of its gradient)\n\n"
        + common.markdown_table(["init", "pass"] + [f"layer {i}" for i in picks], sig_rows)
        + f"\n## Training deep plain ReLU nets on {data_name} ({common.sizes(args)}), "
        f"{common.count(args.epochs, 'epoch')}, SGD lr {args.lr} momentum 0.9\n\n"
        + common.markdown_table(
            [
                "depth",
                "init",
                "loss, epoch 1" + (f" → {args.epochs}" if args.epochs > 1 else ""),
                "train error %",
                "test error %",
            ],
            train_rows,
        )
        + f"\nMachine: {common.machine_note(started)}.\n"
    )
    common.write_outputs(
        args.out,
        "deep_init",
        markdown,
        {"args": common.typed(args), "signals": signals, "runs": runs},
    )
    plt = common.pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for case in signals:
        idx = [s["index"] for s in case["layers"]]
        axes[0].semilogy(idx, [s["forward_std"] for s in case["layers"]], label=case["case"])
        axes[1].semilogy(idx, [s["backward_std"] for s in case["layers"]], label=case["case"])
    for ax, title in zip(
        axes, ["forward: std of layer output", "backward: std of gradient at layer output"]
    ):
        ax.set_xlabel("layer"), ax.set_title(title), ax.grid(alpha=0.3)
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(args.out / "deep_init_signal.png", dpi=120)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for run in [r for r in runs if r["history"]]:
        epochs = [h["epoch"] for h in run["history"]]
        style = "-" if run["init"] == "Kaiming" else "--"
        label = f"{run['depth']} layers, {run['init']}"
        axes[0].plot(
            epochs, [h["train_loss"] for h in run["history"]], style, marker="o", label=label
        )
        axes[1].plot(
            epochs,
            [1 - h["train_accuracy"] for h in run["history"]],
            style,
            marker="o",
            label=label,
        )
    axes[0].set_title("training loss"), axes[1].set_title("training error")
    for ax in axes:
        ax.set_xlabel("epoch"), ax.grid(alpha=0.3)
    axes[1].legend()
    fig.tight_layout()
    fig.savefig(args.out / "deep_init_training.png", dpi=120)
    print(f"written {args.out / 'deep_init_signal.png'} and {args.out / 'deep_init_training.png'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=common.HelpFormatter)
    parser.add_argument(
        "--depths", type=int, nargs="*", default=[22, 30], help="weight layers of the plain nets"
    )
    parser.add_argument(
        "--lr",
        type=float,
        default=0.003,
        help="SGD learning rate (default 0.003: at 0.01 the 30-layer Kaiming net started to learn, then fell back to chance)",
    )
    parser.add_argument("--weight-decay", type=float, default=5e-4, help="L2 penalty")
    parser.add_argument(
        "--train-size", type=int, default=None, help="training images (default: all)"
    )
    common.add_common_arguments(parser, epochs=10, out="results/deep_init")
    args = common.finish_arguments(parser.parse_args(), parser)
    started = time.time()
    train, _ = common.load_datasets(args, args.train_size)
    signals = signal_part(args, train)
    configs = [{"args": args, "out": args.out, "resume": args.resume, "depth": d, "init": init, "key": common.run_key(d, init)}
               for d in args.depths for init in INITS]  # fmt: skip
    common.number_runs(configs)
    common.announce(args, len(configs), f"depths {args.depths} × Xavier and Kaiming")
    runs = common.run_jobs(train_one, configs, args)
    report(args, signals, runs, started)


if __name__ == "__main__":
    main()
