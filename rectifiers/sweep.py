"""Sweeps: run a job over a grid of configs, here or on a Dask cluster, with records that survive.

A rectifier study is a grid (activations × seeds × data sizes × architectures).
``run_sweep(job, configs, out)`` runs ``job(config) -> record`` for every
config and, as each run finishes, writes its record atomically to
``out/runs/<key>.json`` (the key is built from the config, shell-safe). With
``resume=True`` the configs whose record is already there are skipped, so a
killed sweep continues where it stopped. Progress is printed as runs done /
total with an estimated time left.

Where the runs go (``joblib`` underneath; both engines are the optional
``distributed`` extra, ``pip install -e ".[distributed]"``):

* locally, ``workers`` separate processes (joblib's *loky* backend), each
  limited to ``threads`` BLAS threads so the machine is not oversubscribed
  (default: cores / workers);
* ``scheduler="tcp://host:8786"``: each run is a task on that Dask
  distributed cluster (joblib's *dask* backend). Start one with ``dask
  scheduler`` on one machine and ``dask worker tcp://host:8786`` on each
  machine; every worker needs rectifiers installed and the data at the same
  path (or downloadable). Records are written here, by the process that
  called ``run_sweep``.

Runs are deterministic functions of their configs (seeds in the config), so a
sweep through a cluster gives the same records as a local one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .files import atomic_write_text
from .kernels import get_num_threads, set_num_threads

INSTALL = 'pip install -e ".[distributed]"  (or: pip install joblib "dask[distributed]")'


def safe_name(*parts: Any) -> str:
    """A file name made of ``parts``: letters, digits, ``.``, ``-`` and ``_`` only.

    Examples:
        >>> safe_name("small", "RReLU, a~U(3,8)", "seed", 0)
        'small_RReLU-a-U-3-8_seed_0'
    """
    text = "_".join(str(p) for p in parts)
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text)
    text = re.sub(r"-+(?=[_.])|(?<=[_.])-+", "", text)
    return re.sub(r"-{2,}", "-", text).strip("-") or "run"


def default_key(config: dict[str, Any]) -> str:
    """The key of a config: its values in order, made shell-safe."""
    return safe_name(*config.values())


def run_sweep(
    job: Callable[[dict[str, Any]], dict[str, Any]],
    configs: Sequence[dict[str, Any]],
    out: str | os.PathLike,
    *,
    key: Callable[[dict[str, Any]], str] = default_key,
    resume: bool = False,
    workers: int = 1,
    threads: int | None = None,
    scheduler: str | None = None,
    log: Callable[[str], None] | None = print,
) -> list[dict[str, Any]]:
    """Run ``job(config)`` for every config; returns the records in the order of ``configs``.

    Args:
        job: a function of one config returning a JSON-serialisable dict (the
            run's record); must be picklable for workers (a module-level function).
        configs: the grid, one dict per run.
        out: the results folder; records go to ``out/runs/<key(config)>.json``.
        key: names a run (default: its config's values, shell-safe); keys must be unique.
        resume: skip configs whose record exists, and return it instead.
        workers: local worker processes (1: run here, in this process).
        threads: BLAS threads per local worker (default: cores / workers); with
            ``workers=1``, of this process while the runs last (needs threadpoolctl;
            default: left as they are).
        scheduler: the address of a Dask scheduler; then the runs go there.
        log: where progress lines go (None: silent).

    Examples:
        >>> import tempfile
        >>> records = run_sweep(lambda c: {"square": c["x"] ** 2}, [{"x": 2}, {"x": 3}],
        ...                     tempfile.mkdtemp(), log=None)
        >>> [r["square"] for r in records]
        [4, 9]
    """
    runs = Path(out) / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    keys = [key(config) for config in configs]
    if len(set(keys)) != len(keys):
        raise ValueError(
            "run_sweep: two configs have the same key; give key= that tells them apart"
        )
    records: dict[int, dict[str, Any]] = {}
    if resume:
        for i, k in enumerate(keys):
            path = runs / f"{k}.json"
            if path.exists():
                records[i] = json.loads(path.read_text())
    todo = [i for i in range(len(configs)) if i not in records]
    progress = _Progress(len(configs), len(records), log)
    for i, record in _execute(job, [configs[i] for i in todo], todo, workers, threads, scheduler):
        atomic_write_text(runs / f"{keys[i]}.json", json.dumps(record, indent=2))
        records[i] = record
        progress.done(keys[i])
    return [records[i] for i in range(len(configs))]


def map_runs(
    job: Callable[[dict[str, Any]], Any],
    configs: Sequence[dict[str, Any]],
    workers: int = 1,
    threads: int | None = None,
    scheduler: str | None = None,
    names: Sequence[str] | None = None,
    log: Callable[[str], None] | None = print,
    already: int = 0,
) -> list[Any]:
    """``[job(c) for c in configs]``, here, in local worker processes or on a Dask cluster.

    The engine of :func:`run_sweep`, without its records: for callers that
    keep their own (the examples). Prints the same progress lines (``names``
    label the runs; ``already``: runs of the sweep the caller kept from
    earlier, counted in the total but not in the time estimate).
    """
    names = list(names) if names is not None else [str(i) for i in range(len(configs))]
    progress = _Progress(len(configs) + already, already, log)
    results = {}
    indices = list(range(len(configs)))
    for i, result in _execute(job, list(configs), indices, workers, threads, scheduler):
        results[i] = result
        progress.done(names[i])
    return [results[i] for i in range(len(configs))]


def _execute(
    job: Callable, configs: list[dict], indices: list[int], workers: int, threads: int | None,
    scheduler: str | None,
) -> Iterable[tuple[int, dict]]:  # fmt: skip
    """(index, record) pairs, in the order the runs finish."""
    if not configs:
        return
    if scheduler is None and workers <= 1:
        with _blas_threads(threads):
            for i, config in zip(indices, configs):
                yield i, job(config)
        return
    joblib = _require("joblib")

    def indexed(i: int, config: dict) -> tuple[int, dict]:
        return i, job(config)

    tasks = (joblib.delayed(indexed)(i, c) for i, c in zip(indices, configs))
    # One run per task: joblib's automatic batching grows while tasks finish fast (the runs
    # a resumed sweep keeps), then hands long runs out in batches and leaves workers idle.
    one_at_a_time = {"n_jobs": workers, "batch_size": 1, "return_as": "generator_unordered"}
    if scheduler is not None:
        distributed = _require("distributed")
        with distributed.Client(scheduler) as client, joblib.parallel_config(backend="dask"):
            one_at_a_time["n_jobs"] = max(1, sum(client.nthreads().values()))
            yield from joblib.Parallel(**one_at_a_time)(tasks)
        return
    threads = threads or max(1, (os.cpu_count() or 2) // workers)
    with joblib.parallel_config(backend="loky", inner_max_num_threads=threads):
        yield from joblib.Parallel(**one_at_a_time)(tasks)


@contextlib.contextmanager
def _blas_threads(threads: int | None) -> Iterator[None]:
    """Limit this process's BLAS threads and the kernels' threads to ``threads`` (None: leave)."""
    if threads is None:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise ImportError(
            f"limiting BLAS threads in this process (threads={threads}) needs the "
            "'threadpoolctl' package: pip install threadpoolctl (or set OPENBLAS_NUM_THREADS "
            "before Python starts)"
        ) from None
    before = get_num_threads()
    set_num_threads(threads)
    try:
        with threadpool_limits(limits=threads, user_api="blas"):
            yield
    finally:
        set_num_threads(before)


def _require(module: str) -> Any:
    try:
        return __import__(module)
    except ImportError:
        raise ImportError(
            f"parallel and distributed sweeps need the '{module}' package: {INSTALL}"
        ) from None


class _Progress:
    """'runs 3/10 done, about 12 min left' after each finished run."""

    def __init__(self, total: int, already: int, log: Callable[[str], None] | None) -> None:
        self.total, self.count, self.log = total, already, log
        self.started, self.new = time.monotonic(), 0
        if log and already:
            log(f"sweep: {already} of {total} runs already recorded (resumed)")

    def done(self, key: str) -> None:
        self.count += 1
        self.new += 1
        if not self.log:
            return
        left = self.total - self.count
        per_run = (time.monotonic() - self.started) / self.new
        eta = f", about {left * per_run / 60:.1f} min left" if left else ""
        self.log(f"sweep: {self.count}/{self.total} runs done ({key}){eta}")
