"""The slopes PReLU learns, layer by layer (He et al. 2015, Table 1).

Trains a plain net with channel-wise PReLU (init 0.25, momentum, no weight
decay on the slopes) and reports each layer's learned slopes: mean, spread,
range, and a histogram. He et al. found (on ImageNet) large slopes in the
first layer (mean 0.596, channel-wise) and smaller ones deeper, the net
"keeping more information in earlier stages and becoming more discriminative
in deeper stages".

    python examples/prelu_coefficients.py
    python examples/prelu_coefficients.py --quick --synthetic
"""

from __future__ import annotations

import argparse
import time

import common
import numpy as np

import rectifiers as rf
from rectifiers import optim
from rectifiers.training import fit

# He et al. 2015, Table 1: learned channel-wise coefficients (means) of their 14-layer ImageNet model
PAPER_CHANNELWISE = "conv1 0.596; conv2x 0.321, 0.204, 0.294, 0.464; conv3x 0.196, 0.152, 0.145, 0.124, 0.134, 0.198; fc 0.074, 0.075"


def train_one(config: dict) -> dict:
    """The run: train the plain PReLU net; returns its history and every layer's learned slopes."""
    args = config["args"]
    rf.manual_seed(args.seed)
    model = rf.models.plain_net(args.depth, "prelu", widths=(32, 64, 128))
    rf.init.init_model(model, "kaiming_normal", a=0.25, generator=np.random.default_rng(args.seed))
    train, test = common.load_datasets(args, args.train_size)
    train_loader, test_loader, _ = common.loaders(args, train, test, augment=True, seed=args.seed)
    opt = optim.SGD(optim.param_groups_no_decay(model, 5e-4), lr=args.lr, momentum=0.9)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    history = fit(model, train_loader, opt, args.epochs, sched, val_loader=test_loader, checkpoint=args.out / "runs" / "prelu.npz",
                  resume=args.resume, progress=not args.no_progress,
                  callbacks=[common.duration_estimate(args, config)])  # fmt: skip
    slopes = {
        name: m.weight.data.tolist()
        for name, m in model.named_modules()
        if isinstance(m, rf.nn.PReLU)
    }
    return {"history": history.epochs, "layers": slopes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=common.HelpFormatter)
    parser.add_argument(
        "--depth",
        type=int,
        default=11,
        help="weight layers of the plain net (depth − 1 PReLU layers)",
    )
    parser.add_argument(
        "--lr", type=float, default=0.01, help="initial learning rate (cosine schedule)"
    )
    parser.add_argument(
        "--train-size", type=int, default=None, help="training images (default: all)"
    )
    common.add_common_arguments(parser, epochs=10, out="results/prelu_coefficients")
    args = common.finish_arguments(parser.parse_args(), parser)
    started = time.time()
    common.announce(args, 1, f"one {args.depth}-layer PReLU net")
    (result,) = common.run_jobs(
        train_one, common.number_runs([{"args": args}]), args
    )  # here, or on --scheduler
    history = result["history"]
    layers = [(name, np.asarray(a)) for name, a in result["layers"].items()]
    rows = [
        [
            i + 1,
            name,
            len(a),
            f"{a.mean():.3f}",
            f"{a.std():.3f}",
            f"{a.min():.3f}",
            f"{a.max():.3f}",
        ]
        for i, (name, a) in enumerate(layers)
    ]
    data_name = "synthetic images" if args.synthetic else "CIFAR-10"
    markdown = (
        f"## Learned PReLU slopes, {args.depth}-layer plain net on {data_name} ({common.sizes(args)}), "
        f"{common.count(args.epochs, 'epoch')} "
        f"(test error {common.percent(1 - history[-1]['val_accuracy'])} %)\n\n"
        + common.markdown_table(
            ["PReLU layer", "module", "channels", "mean", "std", "min", "max"], rows
        )
        + f"\nHe et al. 2015, Table 1 (ImageNet, 14 layers, channel-wise means, the paper's figures): {PAPER_CHANNELWISE}.\n\n"
        f"Machine: {common.machine_note(started)}.\n"
    )
    record = {
        "args": common.typed(args),
        "layers": {name: a.tolist() for name, a in layers},
        "history": history,
    }
    common.write_outputs(args.out, "prelu_coefficients", markdown, record)
    plt = common.pyplot()
    if plt is None:
        return
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    axes[0].errorbar(
        range(1, len(layers) + 1),
        [a.mean() for _, a in layers],
        yerr=[a.std() for _, a in layers],
        fmt="o-",
    )
    axes[0].axhline(0.25, color="grey", ls=":", label="initial value 0.25")
    (
        axes[0].set_xlabel("PReLU layer (input → output)"),
        axes[0].set_ylabel("learned slope a"),
        axes[0].legend(),
    )
    for i, (_, a) in enumerate(layers):
        axes[1].hist(
            a,
            bins=20,
            histtype="step",
            label=f"layer {i + 1}",
            color=plt.cm.viridis(i / max(1, len(layers) - 1)),
        )
    axes[1].set_xlabel("slope"), axes[1].set_title("per-channel slopes"), axes[1].legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(args.out / "prelu_coefficients.png", dpi=120)
    print(f"written {args.out / 'prelu_coefficients.png'}")


if __name__ == "__main__":
    main()
