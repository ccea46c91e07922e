"""The slopes PReLU learns, layer by layer (He et al. 2015, Table 1).

Trains a plain net with channel-wise PReLU (init 0.25, momentum, no weight
decay on the slopes) over ``--seeds`` and reports each layer's learned slopes:
the layer mean (mean ± std over seeds), the spread over its channels, and a
histogram. He et al. found (on ImageNet) large slopes in the first layer
(mean 0.596, channel-wise) and smaller ones deeper, the net "keeping more
information in earlier stages and becoming more discriminative in deeper
stages".

    python examples/prelu_coefficients.py
    python examples/prelu_coefficients.py --seeds 0 1 2 --workers 2
    python examples/prelu_coefficients.py --quick --synthetic
"""

from __future__ import annotations

import argparse
import time

import common
import numpy as np

import rectifiers as rf
from rectifiers import optim
from rectifiers.training import DivergedError, fit

# He et al. 2015, Table 1 (verified, ../shared/research/papers.md): learned channel-wise
# coefficients (layer means) of their 14-layer ImageNet model
PAPER_CHANNELWISE = (
    "conv1 0.596; conv2x 0.321, 0.204, 0.294, 0.464; "
    "conv3x 0.196, 0.152, 0.145, 0.124, 0.134, 0.198; fc 0.074, 0.075"
)


def train_one(config: dict) -> dict:
    """One seed: train the plain PReLU net; its history and every layer's learned slopes."""
    out, key, args, seed = config["out"], config["key"], config["args"], config["seed"]
    rf.manual_seed(seed)
    model = rf.models.plain_net(args.depth, "prelu", widths=(32, 64, 128))
    rf.init.init_model(model, "kaiming_normal", generator=np.random.default_rng(seed))  # a = 0.25
    train, test = common.load_datasets(args, args.train_size, seed=seed)
    loaders = common.loaders(args, train, test, augment=True, seed=seed)
    opt = optim.SGD(optim.param_groups_no_decay(model, 5e-4), lr=args.lr, momentum=0.9)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    facts = {"seed": seed, **common.run_facts(args, train, test, augment=True)}
    try:
        history = fit(
            model, loaders.train, opt, args.epochs, sched, val_loader=loaders.test,
            checkpoint=out / "runs" / f"{key}.npz", resume=config["resume"],
            progress=not args.no_progress, callbacks=[common.duration_estimate(args, config)],
            log=lambda line: print(f"[{key}] {line}"),
        ).epochs  # fmt: skip
    except DivergedError as error:  # an outcome of this seed and lr: recorded, kept on --resume
        print(f"[{key}] {error}")
        return common.save_run(out, key, {
            **facts, "history": [], "train_error": None, "test_error": None, "minutes": None,
            "layers": None, "diverged": str(error),
        })  # fmt: skip
    slopes = {
        n: m.weight.data.tolist() for n, m in model.named_modules() if isinstance(m, rf.nn.PReLU)
    }
    return common.save_run(out, key, {
        **facts, "history": history, "train_error": 1 - history[-1]["train_accuracy"],
        "test_error": 1 - history[-1]["val_accuracy"],
        "minutes": sum(h["seconds"] for h in history) / 60, "layers": slopes, "diverged": None,
    })  # fmt: skip


def layer_slopes(runs: list[dict]) -> list[tuple[str, np.ndarray]]:
    """(module name, slopes of shape (seeds, channels)) per PReLU layer, input to output."""
    names = list(runs[0]["layers"])
    return [(name, np.array([r["layers"][name] for r in runs])) for name in names]


def slope_table(runs: list[dict]) -> str:
    rows = []
    for i, (name, a) in enumerate(layer_slopes(runs)):
        means = a.mean(axis=1)  # each seed's layer mean
        spread = a.std(axis=1).mean()  # the channels' spread within a layer, averaged over seeds
        rows.append([i + 1, name, a.shape[1], common.mean_std(means, percent=False),
                     f"{spread:.3f}", f"{a.min():.3f}", f"{a.max():.3f}"])  # fmt: skip
    header = ["PReLU layer", "module", "channels", "layer mean a (± std over seeds)",
              "std over channels", "min", "max"]  # fmt: skip
    return common.markdown_table(header, rows)


def report(args: argparse.Namespace, runs: list[dict], started: float) -> None:
    """The slope table and plot over the seeds that trained; diverged seeds named, left out."""
    data_name = "synthetic images" if args.synthetic else "CIFAR-10"
    trained = [r for r in runs if not r.get("diverged")]  # (older records: no such field)
    diverged = ", ".join(str(r["seed"]) for r in runs if r.get("diverged"))
    title = (
        f"## Learned PReLU slopes, {args.depth}-layer plain net on {data_name} "
        f"({common.sizes(args)}), {common.count(args.epochs, 'epoch')}, seeds {args.seeds}"
    )
    if not trained:
        body = f"\n\nNo slopes to show: every seed diverged ({diverged}) at lr {args.lr}.\n"
    else:
        test_error = common.mean_std([r["test_error"] for r in trained])
        left_out = f" Diverged, left out: seeds {diverged}." if diverged else ""
        body = (
            f" (test error {test_error} %)\n\n" + slope_table(trained) + left_out
            + "\nHe et al. 2015, Table 1 (ImageNet, 14 layers, channel-wise means, the paper's "
            f"figures): {PAPER_CHANNELWISE}.\n"
        )  # fmt: skip
    markdown = title + body + f"\nMachine: {common.machine_note(started)}.\n"
    common.write_outputs(
        args.out, "prelu_coefficients", markdown, {"args": common.typed(args), "runs": runs}
    )
    if trained:
        plot(trained, args.out / "prelu_coefficients.png")


def plot(runs: list[dict], path) -> None:
    """Left: each layer's mean slope per seed (points) and over seeds; right: the last seed's histograms."""
    plt = common.pyplot()
    if plt is None:
        return
    layers = layer_slopes(runs)
    index = np.arange(1, len(layers) + 1)
    means = np.array([a.mean(axis=1) for _, a in layers])  # (layers, seeds)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for seed_column in means.T:
        axes[0].plot(index, seed_column, "o", color="grey", alpha=0.5, markersize=3)
    axes[0].errorbar(
        index, means.mean(axis=1), yerr=means.std(axis=1), fmt="o-", label="mean over seeds"
    )
    axes[0].axhline(0.25, color="grey", ls=":", label="initial value 0.25")
    (
        axes[0].set_xlabel("PReLU layer (input → output)"),
        axes[0].set_ylabel("layer mean of learned a"),
    )
    axes[0].legend()
    for i, (_, a) in enumerate(layers):
        colour = plt.cm.viridis(i / max(1, len(layers) - 1))
        axes[1].hist(a[-1], bins=20, histtype="step", label=f"layer {i + 1}", color=colour)
    axes[1].set_xlabel("slope"), axes[1].set_title("per-channel slopes (one seed)")
    axes[1].legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"written {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=common.HelpFormatter)
    parser.add_argument("--depth", type=int, default=11,
                        help="weight layers of the plain net (depth − 1 PReLU layers)")  # fmt: skip
    parser.add_argument(
        "--lr", type=float, default=0.01, help="initial learning rate (cosine schedule)"
    )
    common.add_run_arguments(parser)
    common.add_common_arguments(parser, epochs=10, out="results/prelu_coefficients")
    args = common.finish_arguments(parser.parse_args(), parser)
    started = time.time()
    configs = [
        {"args": args, "out": args.out, "resume": args.resume, "seed": seed,
         "key": common.run_key("prelu", f"depth{args.depth}", f"seed{seed}")}
        for seed in args.seeds
    ]  # fmt: skip
    common.number_runs(configs)
    common.announce(
        args,
        len(configs),
        f"a {args.depth}-layer PReLU net × {common.count(len(args.seeds), 'seed')}",
    )
    runs = common.run_jobs(train_one, configs, args)
    report(args, runs, started)


if __name__ == "__main__":
    main()
