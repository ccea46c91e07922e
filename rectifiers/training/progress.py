"""A progress bar over an epoch's batches: tqdm when installed, otherwise none.

``fit`` prints its one-line epoch summaries (through ``log``) either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


class Progress:
    """Wrap an iterable; ``update(**metrics)`` shows running metrics; ``close()`` ends the line."""

    def __init__(
        self, iterable: Iterable, total: int, description: str, enabled: bool = True
    ) -> None:
        self.iterable, self.total, self.description, self.enabled = (
            iterable,
            total,
            description,
            enabled,
        )
        self.metrics: dict[str, float] = {}
        self._bar: Any = None
        if enabled:
            try:
                from tqdm.auto import tqdm

                self._bar = tqdm(total=total, desc=description, leave=False, dynamic_ncols=True)
            except ImportError:
                self._bar = None

    def __iter__(self) -> Iterator:
        for item in self.iterable:
            yield item
            if self._bar is not None:
                self._bar.update(1)

    def update(self, **metrics: float) -> None:
        self.metrics = metrics
        if self._bar is not None:
            self._bar.set_postfix({k: f"{v:.4f}" for k, v in metrics.items()}, refresh=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
