"""Xu et al. (2015), "Empirical Evaluation of Rectified Activations in Convolutional Network", on CIFAR-10.

Trains the same network with five rectifiers — ReLU, Leaky ReLU a = 100,
Leaky ReLU a = 5.5, PReLU, RReLU in the paper's divisor form — with the same
data, schedule and seeds, and reports train error, test error and their gap
per rectifier (mean ± std and 95 % intervals over seeds), and each rectifier
against ReLU paired by seed.

    python examples/compare_rectifiers.py                    # the demo: about 10 min on 2 cores
    python examples/compare_rectifiers.py --full             # all of CIFAR-10, 15 epochs: hours
    python examples/compare_rectifiers.py --arch nin --full  # the paper's Network in Network
    python examples/compare_rectifiers.py --quick --synthetic  # a smoke run

    # the overfitting regime (README "Results"): 2,500 images, no augmentation, 5 seeds
    python examples/compare_rectifiers.py --train-sizes 2500 --epochs 60 --lr 0.05 \\
        --no-augment --seeds 0 1 2 3 4 --test-size 10000 --curve-size 2000 --out results/xu
    # the data-size curve: the same 150,000 images seen at every size
    python examples/compare_rectifiers.py --train-sizes 2500 5000 10000 50000 --budget 150000 \\
        --lr 0.05 --no-augment --seeds 0 1 2 --test-size 10000 --curve-size 2000 --out results/xu

The demo trains each rectifier on 5,000 training images for 4 epochs with
seeds 0, 1 and 2 (two runs at a time, one BLAS thread each) and tests on
2,000 test images. ``--full`` uses every image for 15 epochs; any size, epoch
count, seed list or worker count given explicitly wins over both.

Seed s fixes, for every rectifier alike, the training subset, the initial
weights (the same draws, scaled by each rectifier's He gain), the data order
and the augmentation: a paired design. Every run checkpoints after each epoch;
``--resume`` keeps finished runs and continues interrupted ones, so a long
sweep can span several sittings. ``examples/rectifier_report.py`` rebuilds the
tables and the data-size plot from the run records alone.
"""

from __future__ import annotations

import argparse
import os
import time

import common
import numpy as np
import rectifier_report

import rectifiers as rf
from rectifiers import optim
from rectifiers.training import DivergedError, evaluate, fit

# name → (build_activation name, keyword arguments); He init takes each one's slope itself
ACTIVATIONS = {
    "ReLU": ("relu", {}),
    "Leaky ReLU, a=100": ("leaky_relu", {"divisor": 100}),
    "Leaky ReLU, a=5.5": ("leaky_relu", {"divisor": 5.5}),
    "PReLU": ("prelu", {}),
    "RReLU, a~U(3,8)": ("rrelu", {"lower": 3, "upper": 8, "parameterization": "divisor"}),
}
WIDTH = 32  # the small net's first conv width (then 64, 128)


def build(arch: str, activation: tuple) -> rf.nn.Module:
    if arch == "nin":
        return rf.models.nin(activation)
    return rf.models.small_convnet(activation, width=WIDTH)


def train_one(config: dict) -> dict:
    """One (activation, training-set size, seed) run; resumable from its checkpoint."""
    out, key, args = config["out"], config["key"], config["args"]
    name, seed, epochs = config["activation"], config["seed"], config["epochs"]
    act_name, kwargs = ACTIVATIONS[name]
    rf.manual_seed(seed)  # RReLU's slopes and anything else drawing from the default generator
    model = build(args.arch, (act_name, dict(kwargs)))
    rf.init.init_model(model, "kaiming_normal", generator=np.random.default_rng(seed))
    train, test = common.load_datasets(args, config["train_size"], seed=seed)
    loaders = common.loaders(args, train, test, not args.no_augment, seed, args.curve_size)
    # PReLU slopes: momentum, no weight decay (He et al. 2015)
    opt = optim.SGD(optim.param_groups_no_decay(model, args.weight_decay), lr=args.lr, momentum=0.9)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    facts = {
        "activation": name, "seed": seed, "arch": args.arch,
        **common.run_facts(args, train, test, augment=not args.no_augment),
        "epochs": epochs, "weight_decay": args.weight_decay,  # (epochs: this size's share of --budget)
    }  # fmt: skip
    try:
        history = fit(
            model, loaders.train, opt, epochs, sched, val_loader=loaders.curve,
            checkpoint=out / "runs" / f"{key}.npz", resume=config["resume"],
            progress=not args.no_progress, log=lambda line: print(f"[{key}] {line}"),
            callbacks=[common.duration_estimate(args, config)],
        )  # fmt: skip
    except DivergedError as error:  # an outcome of this rectifier, lr and seed: recorded, kept
        print(f"[{key}] {error}")
        diverged = {"train_error": None, "test_error": None, "minutes": None, "history": []}
        return common.save_run(out, key, {**facts, **diverged, "diverged": str(error)})
    began = time.perf_counter()
    train_error = 1 - evaluate(model, loaders.train_eval)["accuracy"]
    test_error = 1 - evaluate(model, loaders.test)["accuracy"]
    seconds = sum(h["seconds"] for h in history.epochs) + time.perf_counter() - began
    result = {
        **facts, "train_error": train_error, "train_error_images": len(loaders.train_eval.dataset),
        "test_error": test_error, "minutes": seconds / 60, "history": history.epochs, "diverged": None,
    }  # fmt: skip
    if act_name == "prelu":
        result["prelu_slopes"] = {
            n: float(m.weight.data.mean()) for n, m in model.named_modules() if isinstance(m, rf.nn.PReLU)
        }  # fmt: skip
    return common.save_run(out, key, result)


def report(args: argparse.Namespace, results: list[dict], started: float) -> None:
    """compare_rectifiers.md/.json/.png for this sweep, and report.md (all records in --out)."""
    arch = (
        "NIN (Lin et al. 2013)" if args.arch == "nin" else "small conv net (6 weight layers, no BN)"
    )
    data_name = "synthetic images" if args.synthetic else "CIFAR-10"
    analysed = rectifier_report.analyse(results)
    markdown = (
        f"## Rectifiers on {data_name}: {arch}, training sets of {sizes_text(args)} images, "
        f"seeds {args.seeds}\n\n"
        + rectifier_report.markdown(analysed)
        + f"\nInit: He et al. (kaiming_normal, fan_in) with each rectifier's slope a (1 + a² "
        f"factor); SGD momentum 0.9, lr {args.lr} cosine, weight decay {args.weight_decay} (none on "
        f"PReLU slopes), batch {args.batch_size}. Train error in evaluation mode on up to 10,000 "
        "training images. Paper, for orientation: Xu et al. report RReLU's 88.8 % CIFAR-10 test "
        "accuracy with NIN (verified, ../shared/research/papers.md); their other figures are not "
        f"verified here.\n\nMachine: {common.machine_note(started)}.\n"
    )
    common.write_outputs(
        args.out, "compare_rectifiers", markdown, {"args": common.typed(args), "runs": results}
    )
    rectifier_report.write_report([args.out], args.out)
    plot_curves(args, results)


def plot_curves(args: argparse.Namespace, results: list[dict]) -> None:
    """Train and test error per epoch of the first seed, at the smallest training-set size."""
    plt = common.pyplot()
    if plt is None:
        return
    size = min(r["train_size"] for r in results)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for name in args.activations:
        run = next(r for r in results if r["activation"] == name and r["train_size"] == size)
        if run.get("diverged"):  # (records of older code have no such field)
            axes[0].plot([], [], label=f"{name}: diverged")
            continue
        epochs = [h["epoch"] for h in run["history"]]
        for ax, key in zip(axes, ("train_accuracy", "val_accuracy")):
            ax.plot(epochs, [1 - h[key] for h in run["history"]], marker=".", label=name)
    during = "augmented, " if not args.no_augment else ""
    titles = [
        f"training error ({during}training mode, during the epoch)",
        "test error (curve images)",
    ]
    for ax, title in zip(axes, titles):
        ax.set_xlabel("epoch"), ax.set_ylabel("error"), ax.set_title(title, fontsize=9)
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=8)
    fig.suptitle(f"{size} training images, seed {args.seeds[0]}", fontsize=9)
    fig.tight_layout()
    fig.savefig(args.out / "compare_rectifiers.png", dpi=120)
    print(f"written {args.out / 'compare_rectifiers.png'}")


DEMO = {"train_sizes": [5000], "test_size": 2000, "epochs": 4, "seeds": [0, 1, 2], "workers": 2}
FULL = {"train_sizes": [None], "test_size": None, "epochs": 15, "seeds": None, "workers": 2}


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


def epochs_for(args: argparse.Namespace, size: int | None) -> int:
    """--epochs, or with --budget the epochs that show a run about ``budget`` images."""
    if args.budget is None:
        return args.epochs
    images = common.train_test_sizes(args, size)[0]
    return max(1, round(args.budget / images))


def sizes_text(args: argparse.Namespace) -> str:
    return ", ".join(str(common.train_test_sizes(args, s)[0]) for s in args.train_sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=common.HelpFormatter)
    parser.add_argument("--arch", choices=["small", "nin"], default="small",
                        help="the network: the small conv net or NIN")  # fmt: skip
    parser.add_argument(
        "--activations", nargs="*", default=list(ACTIVATIONS), choices=list(ACTIVATIONS)
    )
    parser.add_argument("--seeds", type=int, nargs="*", default=None,
                        help="repeat each run over these seeds (mean ± std, paired comparisons)")  # fmt: skip
    parser.add_argument("--lr", type=float, default=argparse.SUPPRESS,  # depends on --synthetic
                        help="initial learning rate, cosine schedule "
                        "(default: 0.02; 0.005 with --synthetic)")  # fmt: skip
    parser.add_argument("--weight-decay", type=float, default=5e-4,
                        help="L2 penalty (none on PReLU slopes)")  # fmt: skip
    parser.add_argument("--train-sizes", type=int, nargs="+", default=None, metavar="N",
                        help="train on random subsets of these many images, one sweep per size "
                        "(demo: 5000; --full: all)")  # fmt: skip
    parser.add_argument("--budget", type=int, default=None, metavar="IMAGES",
                        help="instead of --epochs: train each size for round(IMAGES / size) epochs, "
                        "so every run takes about the same number of SGD steps")  # fmt: skip
    parser.add_argument("--curve-size", type=int, default=None, metavar="N",
                        help="the per-epoch test curve on the first N test images (None: all); "
                        "the final test error always uses every test image")  # fmt: skip
    parser.add_argument("--no-augment", action="store_true", help="no random crops and flips")
    parser.add_argument("--full", action="store_true",
                        help="the full comparison: all 50,000 training and 10,000 test images, "
                        "15 epochs (hours on 2 cores) instead of the demo")  # fmt: skip
    common.add_common_arguments(parser, epochs=DEMO["epochs"], out="results/compare_rectifiers")
    parser.set_defaults(epochs=None, test_size=None, workers=None)  # None: scale() decides
    args = common.finish_arguments(scale(parser.parse_args()), parser)
    if not hasattr(args, "lr"):
        args.lr = 0.005 if args.synthetic else 0.02
    started = time.time()
    configs = [
        {"args": args, "out": args.out, "resume": args.resume, "activation": name, "seed": seed,
         "train_size": size, "epochs": epochs_for(args, size),
         "key": common.run_key(args.arch, name, f"n{common.train_test_sizes(args, size)[0]}",
                               f"e{epochs_for(args, size)}", f"lr{args.lr}",
                               "noaug" if args.no_augment else "aug", f"seed{seed}")}
        for size in args.train_sizes for seed in args.seeds for name in args.activations
    ]  # fmt: skip
    common.number_runs(configs)
    factors = [common.count(len(args.activations), "rectifier")]
    if len(args.train_sizes) > 1:
        factors.append(common.count(len(args.train_sizes), "training-set size"))
    grid = " × ".join(factors + [common.count(len(args.seeds), "seed")])
    epochs = sorted({c["epochs"] for c in configs}, reverse=True)
    common.announce(args, len(configs), grid, epochs, args.train_sizes)
    results = common.run_jobs(train_one, configs, args)
    report(args, results, started)


if __name__ == "__main__":
    main()
