"""What the example scripts share: arguments, data, outputs (Markdown, JSON, PNG), parallel runs.

Not part of the library: the examples import it as a sibling module.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

import rectifiers as rf
from rectifiers import data, sweep
from rectifiers.data import transforms as T
from rectifiers.files import atomic_write_text
from rectifiers.kernels.blas import core_name

QUICK_TRAIN, QUICK_TEST = 384, 256


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """--help keeps the scripts' docstrings as written and shows every default."""


def add_common_arguments(parser: argparse.ArgumentParser, epochs: int, out: str) -> None:
    group = parser.add_argument_group("common")
    group.add_argument(
        "--data-dir",
        default=None,
        help="folder with cifar-10-batches-py/ or the .tar.gz (None: $RECTIFIERS_DATA, "
        "downloading there if missing)",
    )
    group.add_argument(
        "--synthetic",
        action="store_true",
        help="use rectifiers' synthetic images instead of CIFAR-10 (offline demos, tests)",
    )
    group.add_argument(
        "--quick", action="store_true", help=f"a smoke run: {QUICK_TRAIN} training images, 1 epoch"
    )
    group.add_argument("--epochs", type=int, default=epochs, help="training epochs")
    group.add_argument("--batch-size", type=int, default=128, help="images per SGD step")
    group.add_argument(
        "--test-size",
        type=int,
        default=None,
        help="evaluate on the first N test images (None: all)",
    )
    group.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seeds weights, data order, augmentation and random slopes",
    )
    group.add_argument("--out", default=out, help="results folder")
    group.add_argument(
        "--resume",
        action="store_true",
        help="keep finished runs and continue interrupted ones from their checkpoints",
    )
    group.add_argument("--workers", type=int, default=1, help="runs trained in parallel processes")
    group.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run each run as a task on this Dask scheduler, e.g. tcp://10.0.0.5:8786 (needs "
        "pip install -e '.[distributed]'; start workers in this folder, see docs/sweeps.md)",
    )
    group.add_argument(
        "--threads",
        type=int,
        default=None,
        help="BLAS threads per worker (None: cores / workers)",
    )
    group.add_argument("--no-progress", action="store_true", help="no progress bars")


def add_run_arguments(parser: argparse.ArgumentParser, seeds: bool = True) -> None:
    """--train-size (a random subset) and, with ``seeds``, --seeds (one run per seed)."""
    parser.add_argument("--train-size", type=int, default=None,
                        help="train on a random subset of this many images (default: all)")  # fmt: skip
    if seeds:
        parser.add_argument("--seeds", type=int, nargs="*", default=None,
                            help="repeat every run over these seeds (default: --seed)")  # fmt: skip


def finish_arguments(
    args: argparse.Namespace, parser: argparse.ArgumentParser | None = None
) -> argparse.Namespace:
    """Apply --quick (1 epoch, unless --epochs was given) and check --data-dir before any work."""
    explicit_epochs = parser is not None and args.epochs != parser.get_default("epochs")
    if args.quick and not explicit_epochs:
        args.epochs = 1
    if args.data_dir is not None and not Path(args.data_dir).exists():
        data_error(f"--data-dir {args.data_dir} does not exist.")
    if getattr(args, "seeds", ()) is None:
        args.seeds = [args.seed]
    args.out = Path(args.out)
    (args.out / "runs").mkdir(parents=True, exist_ok=True)
    return args


def load_datasets(
    args: argparse.Namespace, train_size: int | None = None, seed: int | None = None
) -> tuple[Any, Any]:
    """(train, test): CIFAR-10 (or synthetic), cut to the quick/subset sizes.

    A training subset is drawn at random with ``seed`` (default ``--seed``): runs
    with different seeds train on different subsets, so their spread includes
    the choice of images.
    """
    if args.synthetic:
        train = data.SyntheticImages(
            QUICK_TRAIN if args.quick else 5000, noise=0.35, seed=args.seed
        )
        test = data.SyntheticImages(
            QUICK_TEST if args.quick else 1000, noise=0.35, seed=args.seed, sample_seed=10**6
        )
    else:
        root = args.data_dir
        try:  # with --data-dir, use what is there; without, download into $RECTIFIERS_DATA if missing
            train = data.CIFAR10(root, train=True, download=root is None)
            test = data.CIFAR10(root, train=False, download=root is None)
        except (data.DatasetError, data.DownloadError) as error:
            data_error(str(error))
    if args.quick:
        train_size = QUICK_TRAIN
        test = data.subset(test, QUICK_TEST)
    elif args.test_size is not None and args.test_size < len(test):
        test = data.subset(test, args.test_size)
    if train_size is not None and train_size < len(train):
        rng = np.random.default_rng(args.seed if seed is None else seed)
        train = data.subset(train, train_size, rng)
    return train, test


class Loaders(NamedTuple):
    """The loaders of one run, all normalised with the training set's statistics."""

    train: Any  # shuffled with the run's seed; random crops and flips when augmenting
    test: Any  # every test image the run uses
    train_eval: Any  # up to 10,000 training images, unaugmented: the training error
    curve: Any  # the first ``curve_size`` test images: the per-epoch test curve


def loaders(
    args: argparse.Namespace,
    train: Any,
    test: Any,
    augment: bool,
    seed: int,
    curve_size: int | None = None,
) -> Loaders:
    """A run's :class:`Loaders`; crops and flips when ``augment``."""
    normalize = normalization(args, train)
    train_transform = (
        T.Compose([T.RandomCrop(32, 4), T.RandomHorizontalFlip(), normalize])
        if augment
        else normalize
    )
    train_loader = data.DataLoader(
        train,
        args.batch_size,
        shuffle=True,
        transform=train_transform,
        generator=np.random.default_rng(seed),
    )
    test_loader = data.DataLoader(test, 500, transform=normalize)
    eval_subset = data.subset(train, min(len(train), 10000))
    train_eval_loader = data.DataLoader(eval_subset, 500, transform=normalize)
    curve_loader = test_loader
    if curve_size is not None and curve_size < len(test):
        curve_loader = data.DataLoader(data.subset(test, curve_size), 500, transform=normalize)
    return Loaders(train_loader, test_loader, train_eval_loader, curve_loader)


def train_test_sizes(args: argparse.Namespace, train_size: int | None = -1) -> tuple[int, int]:
    """The numbers of training and test images a run will really use (``train_size``: the
    subset asked for, None for all; by default ``--train-size``)."""
    if args.quick:
        return QUICK_TRAIN, QUICK_TEST
    full_train, full_test = (5000, 1000) if args.synthetic else (50000, 10000)
    if train_size == -1:
        train_size = getattr(args, "train_size", None)
    train = min(train_size or full_train, full_train)
    return train, min(args.test_size or full_test, full_test)


def count(n: int, noun: str) -> str:
    """'1 epoch', '3 epochs'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def sizes(args: argparse.Namespace, train_sizes: Sequence[int | None] | None = None) -> str:
    """'5000 training and 2000 test images' (several sizes: '2500, 5000 training …')."""
    sizes = (
        [train_test_sizes(args, s) for s in train_sizes]
        if train_sizes
        else [train_test_sizes(args)]
    )
    train = ", ".join(str(train) for train, _ in sizes)
    return f"{train} training and {sizes[0][1]} test images"


def announce(
    args: argparse.Namespace,
    runs: int,
    grid: str,
    epochs: Sequence[int] | None = None,
    train_sizes: Sequence[int | None] | None = None,
) -> None:
    """Print the plan before any work: runs, epochs, images, and where they run."""
    where = (
        f"on the Dask cluster at {args.scheduler}" if args.scheduler
        else f"in {args.workers} worker processes" if args.workers > 1 else "in this process"
    )  # fmt: skip
    epochs = list(epochs or [args.epochs])
    each = (
        count(epochs[0], "epoch")
        if len(epochs) == 1
        else f"{', '.join(map(str, epochs))} epochs (by size)"
    )
    print(
        f"plan: {count(runs, 'run')} ({grid}), {each} each, {sizes(args, train_sizes)}, "
        f"{where}; a progress line with the time left follows each finished run",
        flush=True,
    )


def number_runs(configs: list[dict]) -> list[dict]:
    """Tell each config how many runs there are and whether it is the first (for the estimate)."""
    for i, config in enumerate(configs):
        config.update(runs=len(configs), first=i == 0)
    return configs


def duration_estimate(args: argparse.Namespace, config: dict) -> Callable[[int, dict], None]:
    """A ``fit`` callback: after the first run's first epoch, print how long the whole job needs."""

    def estimate(epoch: int, record: dict) -> None:
        if epoch != 1 or not config.get("first"):
            return
        at_once = 1 if args.scheduler else max(1, args.workers)
        epochs = config.get("epochs", args.epochs)
        minutes = record["seconds"] * epochs * config["runs"] / at_once / 60
        where = "per cluster worker" if args.scheduler else f"with {at_once} at a time"
        print(f"estimate: the first epoch took {record['seconds']:.0f} s, so "
              f"{count(config['runs'], 'run')} like the first ({count(epochs, 'epoch')}) need about "
              f"{minutes:.1f} min {where}", flush=True)  # fmt: skip

    return estimate


def normalization(args: argparse.Namespace, train: Any) -> T.Normalize:
    """CIFAR-10's channel statistics; for the synthetic set, its own (its contrast is higher, and
    normalised with CIFAR's figures its inputs were 1.5× too large: the leaky nets diverged)."""
    if not args.synthetic:
        return T.Normalize(T.CIFAR10_MEAN, T.CIFAR10_STD)
    pixels = train.data / 255.0
    return T.Normalize(pixels.mean(axis=(0, 2, 3)), pixels.std(axis=(0, 2, 3)))


def run_jobs(
    job: Callable[[dict], dict], configs: Sequence[dict], args: argparse.Namespace
) -> list[dict]:
    """Run ``job(config)`` for every config: here, in ``--workers`` local processes (each with
    ``--threads`` BLAS threads), or as tasks on the Dask cluster at ``--scheduler``
    (``rectifiers.sweep``, on joblib)."""
    names = [c.get("key", str(i)) for i, c in enumerate(configs)]
    kept = {i: record for i, c in enumerate(configs) if (record := kept_run(c)) is not None}
    for i in kept:
        print(f"{names[i]}: finished earlier, kept")
    todo = [i for i in range(len(configs)) if i not in kept]
    fresh = sweep.map_runs(job, [configs[i] for i in todo], args.workers, args.threads,
                           args.scheduler, names=[names[i] for i in todo], already=len(kept))  # fmt: skip
    results = {**kept, **dict(zip(todo, fresh))}
    return [results[i] for i in range(len(configs))]


def kept_run(config: dict) -> dict | None:
    """The record of a run finished earlier, when resuming (``config``: out, key, resume)."""
    if not {"out", "key", "resume"} <= set(config):
        return None
    return finished_run(Path(config["out"]), config["key"], config["resume"])


def run_key(*parts: Any) -> str:
    """A run's file name: shell-safe (letters, digits, '.', '-', '_')."""
    return sweep.safe_name(*parts)


def data_error(problem: str) -> None:
    """End the script with a short message (no traceback) saying how to get the data."""
    sys.exit(
        f"error: {problem}\n\nCIFAR-10 is looked for in --data-dir, else in $RECTIFIERS_DATA "
        f"(now {data.default_data_dir()}), and downloaded there when missing. Offline, prepare a copy "
        "first:\n    python ../shared/data/cifar10/prepare.py DIR    (then --data-dir DIR, or "
        "RECTIFIERS_DATA=DIR)\nor try the scripts without data: --quick --synthetic"
    )


def typed(args: argparse.Namespace) -> dict[str, Any]:
    """The arguments as JSON values of their own types (paths as strings)."""
    return {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}


def finished_run(out: Path, key: str, resume: bool) -> dict | None:
    path = out / "runs" / f"{key}.json"
    if resume and path.exists():
        return json.loads(path.read_text())
    return None


def save_run(out: Path, key: str, result: dict) -> dict:
    atomic_write_text(out / "runs" / f"{key}.json", json.dumps(result, indent=2))
    return result


def machine_note(started: float) -> str:
    minutes = (time.time() - started) / 60
    versions = f"NumPy {np.__version__}, rectifiers {rf.__version__}"
    return f"{platform.machine()}, {os.cpu_count()} cores, {versions}; wall time {minutes:.1f} min"


def write_outputs(out: Path, name: str, markdown: str, record: dict) -> None:
    atomic_write_text(out / f"{name}.md", markdown)
    atomic_write_text(out / f"{name}.json", json.dumps(record, indent=2))
    print(markdown)
    print(f"written {out / (name + '.md')} and {out / (name + '.json')}")


def pyplot():
    """matplotlib's pyplot with a file backend, or None (with a note) when it is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plots (pip install -e '.[examples]')")
        return None
    return plt


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def percent(x: float) -> str:
    return f"{100 * x:.2f}"


def mean_std(values: Sequence[float], percent: bool = True) -> str:
    """'12.34 ± 0.56' over seeds (std with n − 1): rates in %, anything else with 4 digits."""

    def show(x: float) -> str:
        return f"{100 * x:.2f}" if percent else f"{x:.4f}"

    if len(values) == 1:
        return show(values[0])
    return f"{show(float(np.mean(values)))} ± {show(float(np.std(values, ddof=1)))}"


def run_facts(args: argparse.Namespace, train: Any, test: Any, augment: bool = False) -> dict:
    """What every run record states about its data and schedule, so tables rebuild from records
    (``lr`` None when the script sweeps learning rates: the run's own is in its record)."""
    return {
        "dataset": "synthetic" if args.synthetic else "CIFAR-10",
        "train_size": len(train), "test_size": len(test), "augment": augment,
        "epochs": args.epochs, "lr": getattr(args, "lr", None), "batch_size": args.batch_size,
        "blas_kernels": core_name(),  # the GEMM kernels change the last bits, and the speed
    }  # fmt: skip
