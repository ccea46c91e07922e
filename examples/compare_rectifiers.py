"""Xu et al. (2015), "Empirical Evaluation of Rectified Activations in Convolutional Network", on CIFAR-10.

Trains the same network with five rectifiers — ReLU, Leaky ReLU a = 100,
Leaky ReLU a = 5.5, PReLU, RReLU in the paper's divisor form — with the same
data, schedule and seeds, and reports train and test error beside the
paper's figures.

    python examples/compare_rectifiers.py                    # the demo: about 20 min on 2 cores
    python examples/compare_rectifiers.py --full             # all of CIFAR-10, 15 epochs: hours
    python examples/compare_rectifiers.py --arch nin --full  # the paper's Network in Network
    python examples/compare_rectifiers.py --quick --synthetic  # a smoke run

The demo trains each rectifier on 5,000 training images for 4 epochs with
seeds 0, 1 and 2 (two runs at a time, one BLAS thread each) and tests on
2,000 test images: error bars over seeds, in minutes. ``--full`` uses every
image for 15 epochs; any size, epoch count, seed list or worker count given
explicitly wins over both.

Every run checkpoints after each epoch; ``--resume`` keeps finished runs and
continues interrupted ones, so a long sweep can span several sittings.
"""

from __future__ import annotations

import argparse
import os
import time

import common
import numpy as np

import rectifiers as rf
from rectifiers import optim
from rectifiers.training import evaluate, fit

# name → (build_activation name, kwargs, the negative slope used for He initialisation)
ACTIVATIONS = {
    "ReLU": ("relu", {}, 0.0),
    "Leaky ReLU, a=100": ("leaky_relu", {"divisor": 100}, 1 / 100),
    "Leaky ReLU, a=5.5": ("leaky_relu", {"divisor": 5.5}, 1 / 5.5),
    "PReLU": ("prelu", {}, 0.25),
    "RReLU, a~U(3,8)": ("rrelu", {"lower": 3, "upper": 8, "parameterization": "divisor"}, 1 / 5.5),
}

# Figures printed by Xu et al. for CIFAR-10 with NIN. Only RReLU's has been verified
# (88.8 % test accuracy, paperswithcode "Results from the Paper"; see
# ../shared/research/papers.md); the others have not been read from the paper.
PAPER_TEST_ERROR = {"RReLU, a~U(3,8)": "11.2 (88.8 % accuracy; NIN)"}
UNAVAILABLE = "unavailable (not verified)"


def build(arch: str, activation: tuple) -> rf.nn.Module:
    if arch == "nin":
        return rf.models.nin(activation)
    return rf.models.small_convnet(activation, width=32)


def train_one(config: dict) -> dict:
    """One (activation, seed) run; resumable from its checkpoint."""
    out, key = config["out"], config["key"]
    done = common.finished_run(out, key, config["resume"])
    if done is not None:
        print(f"{key}: finished earlier, kept")
        return done
    args = config["args"]
    name, seed = config["activation"], config["seed"]
    act_name, kwargs, slope = ACTIVATIONS[name]
    rf.manual_seed(
        seed
    )  # random slopes (RReLU) and anything else drawing from the default generator
    model = build(args.arch, (act_name, dict(kwargs)))
    rf.init.init_model(model, "kaiming_normal", a=slope, generator=np.random.default_rng(seed))
    train, test = common.load_datasets(args, args.train_size)
    train_loader, test_loader, train_eval = common.loaders(
        args, train, test, augment=not args.no_augment, seed=seed
    )
    # PReLU slopes: momentum, no weight decay (He et al. 2015)
    opt = optim.SGD(optim.param_groups_no_decay(model, args.weight_decay), lr=args.lr, momentum=0.9)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    started = time.time()
    history = fit(
        model, train_loader, opt, args.epochs, sched, val_loader=test_loader,
        checkpoint=out / "runs" / f"{key}.npz", resume=config["resume"],
        progress=not args.no_progress, log=lambda line: print(f"[{name} seed {seed}] {line}"),
        callbacks=[common.duration_estimate(args, config)],
    )  # fmt: skip
    train_metrics = evaluate(model, train_eval)
    test_metrics = evaluate(model, test_loader)
    result = {
        "activation": name, "seed": seed, "history": history.epochs,
        "train_error": 1 - train_metrics["accuracy"], "test_error": 1 - test_metrics["accuracy"],
        "minutes": (time.time() - started) / 60,
    }  # fmt: skip
    if act_name == "prelu":
        result["prelu_slopes"] = {
            n: float(m.weight.data.mean())
            for n, m in model.named_modules()
            if isinstance(m, rf.nn.PReLU)
        }
    return common.save_run(out, key, result)


def report(args: argparse.Namespace, results: list[dict], started: float) -> None:
    rows = []
    for name in args.activations:
        runs = [r for r in results if r["activation"] == name]
        train = common.mean_std([r["train_error"] for r in runs])
        test = common.mean_std([r["test_error"] for r in runs])
        minutes = np.mean([sum(h["seconds"] for h in r["history"]) / 60 for r in runs])
        rows.append([name, train, test, f"{minutes:.1f}", PAPER_TEST_ERROR.get(name, UNAVAILABLE)])
    data_name = "synthetic images" if args.synthetic else "CIFAR-10"
    arch = (
        "NIN (Lin et al. 2013)" if args.arch == "nin" else "small conv net (6 weight layers, no BN)"
    )
    markdown = (
        f"## Rectifiers on {data_name}: {arch}, {common.count(args.epochs, 'epoch')}, "
        f"{common.sizes(args)}, seeds {args.seeds}\n\n"
        + common.markdown_table(
            [
                "activation",
                "train error %",
                "test error %",
                "minutes",
                "paper test error % (Xu et al., NIN)",
            ],
            rows,
        )
        + f"\nInit: He et al. (kaiming_normal, fan_in) with each rectifier's slope a (1 + a² factor); SGD momentum 0.9, "
        f"lr {args.lr} cosine, weight decay {args.weight_decay} (none on PReLU slopes), batch {args.batch_size}, "
        f"{'no augmentation' if args.no_augment else 'random crop 4 + flip'}. Train error measured in eval mode on "
        f"{min(10000, args.train_size or 50000)} training images. Minutes: training and per-epoch test time of one run, summed over epochs (also across resumed sittings).\n\n"
        f"Machine: {common.machine_note(started)}.\n"
    )
    common.write_outputs(
        args.out,
        "compare_rectifiers",
        markdown,
        {"args": common.typed(args), "runs": results},
    )
    plt = common.pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for name in args.activations:
        run = next(r for r in results if r["activation"] == name)
        epochs = [h["epoch"] for h in run["history"]]
        axes[0].plot(
            epochs, [1 - h["train_accuracy"] for h in run["history"]], marker="o", label=name
        )
        axes[1].plot(
            epochs, [1 - h["val_accuracy"] for h in run["history"]], marker="o", label=name
        )
    for ax, title in zip(axes, ["training error (augmented, during the epoch)", "test error"]):
        ax.set_xlabel("epoch"), ax.set_ylabel("error"), ax.set_title(title), ax.grid(alpha=0.3)
    axes[1].legend()
    fig.tight_layout()
    fig.savefig(args.out / "compare_rectifiers.png", dpi=120)
    print(f"written {args.out / 'compare_rectifiers.png'}")


DEMO = {"train_size": 5000, "test_size": 2000, "epochs": 4, "seeds": [0, 1, 2], "workers": 2}
FULL = {"train_size": None, "test_size": None, "epochs": 15, "seeds": None, "workers": 2}


def scale(args: argparse.Namespace) -> argparse.Namespace:
    """Fill what was not given: the demo's sizes, --full's, or a quick smoke run's."""
    plan = FULL if args.full else DEMO
    if args.quick:  # one run per rectifier, one epoch, in this process
        plan = {**plan, "epochs": 1, "seeds": None, "workers": 1}
    for name, value in plan.items():
        if name == "seeds":
            args.seeds = args.seeds or value or [args.seed]
        elif getattr(args, name, None) is None:
            setattr(args, name, min(value, os.cpu_count() or 1) if name == "workers" else value)
    if args.workers > 1 and args.threads is None:
        args.threads = max(1, (os.cpu_count() or 2) // args.workers)
    return args


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=common.HelpFormatter)
    parser.add_argument(
        "--arch",
        choices=["small", "nin"],
        default="small",
        help="the network: the small conv net or NIN",
    )
    parser.add_argument(
        "--activations", nargs="*", default=list(ACTIVATIONS), choices=list(ACTIVATIONS)
    )
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="*",
        default=None,
        help="repeat each run over these seeds (mean ± std)",
    )
    parser.add_argument(
        "--lr",
        type=float,
        default=argparse.SUPPRESS,  # the default depends on --synthetic (below)
        help="initial learning rate, cosine schedule (default: 0.02; 0.005 with --synthetic)",
    )
    parser.add_argument(
        "--weight-decay", type=float, default=5e-4, help="L2 penalty (none on PReLU slopes)"
    )
    parser.add_argument(
        "--train-size",
        type=int,
        default=argparse.SUPPRESS,
        help="train on a random subset of this many images (demo: 5000; --full: all)",
    )
    parser.add_argument("--no-augment", action="store_true", help="no random crops and flips")
    parser.add_argument(
        "--full",
        action="store_true",
        help="the full comparison: all 50,000 training and 10,000 test images, 15 epochs "
        "(hours on 2 cores) instead of the demo",
    )
    common.add_common_arguments(parser, epochs=DEMO["epochs"], out="results/compare_rectifiers")
    parser.set_defaults(epochs=None, test_size=None, workers=None)  # None: scale() decides
    args = common.finish_arguments(scale(parser.parse_args()), parser)
    if not hasattr(args, "lr"):
        args.lr = 0.005 if args.synthetic else 0.02
    started = time.time()
    configs = [
        {"args": args, "out": args.out, "resume": args.resume, "activation": name, "seed": seed,
         "key": common.run_key(args.arch, name, f"seed{seed}")}
        for seed in args.seeds for name in args.activations
    ]  # fmt: skip
    common.number_runs(configs)
    grid = f"{common.count(len(args.activations), 'rectifier')} × {common.count(len(args.seeds), 'seed')}"
    common.announce(args, len(configs), grid)
    results = common.run_jobs(train_one, configs, args)
    report(args, results, started)


if __name__ == "__main__":
    main()
