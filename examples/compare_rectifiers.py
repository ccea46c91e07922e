"""Xu et al. (2015), "Empirical Evaluation of Rectified Activations in Convolutional Network", on CIFAR-10.

Trains the same network with five rectifiers — ReLU, Leaky ReLU a = 100,
Leaky ReLU a = 5.5, PReLU, RReLU in the paper's divisor form — with the same
data, schedule and seeds, and reports train and test error beside the
paper's figures.

    python examples/compare_rectifiers.py                    # default small net
    python examples/compare_rectifiers.py --arch nin         # the paper's Network in Network
    python examples/compare_rectifiers.py --quick --synthetic  # a smoke run

Every run checkpoints after each epoch; ``--resume`` keeps finished runs and
continues interrupted ones, so a long sweep can span several sittings.
"""

from __future__ import annotations

import argparse
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
        "--train-size", type=int, default=None, help="train on a random subset of this many images"
    )
    parser.add_argument("--no-augment", action="store_true", help="no random crops and flips")
    common.add_common_arguments(parser, epochs=15, out="results/compare_rectifiers")
    args = common.finish_arguments(parser.parse_args(), parser)
    if not hasattr(args, "lr"):
        args.lr = 0.005 if args.synthetic else 0.02
    args.seeds = args.seeds or [args.seed]
    started = time.time()
    configs = [
        {"args": args, "out": args.out, "resume": args.resume, "activation": name, "seed": seed,
         "key": common.run_key(args.arch, name, f"seed{seed}")}
        for seed in args.seeds for name in args.activations
    ]  # fmt: skip
    grid = f"{common.count(len(args.activations), 'rectifier')} × {common.count(len(args.seeds), 'seed')}"
    common.announce(args, len(configs), grid)
    results = common.run_jobs(train_one, configs, args)
    report(args, results, started)


if __name__ == "__main__":
    main()
