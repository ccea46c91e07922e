"""Grad mode is per thread (PyTorch's semantics), and every form of the switch restores it."""

import threading

import numpy as np
import pytest

import rectifiers as rf
from rectifiers import data, nn, optim


def _train_small_net(seed: int, steps: int, barrier: threading.Barrier | None = None) -> list:
    """A few SGD steps of a tiny conv net; returns the final weights."""
    rng = np.random.default_rng(seed)
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.PReLU(4),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(4, 3),
    )
    rf.init.init_model(model, "kaiming", a=0.25, generator=rng)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    images = rf.tensor(rng.standard_normal((8, 3, 6, 6)).astype(np.float32))
    labels = rf.tensor(rng.integers(0, 3, 8))
    for _ in range(steps):
        if barrier is not None:
            barrier.wait()  # interleave the two threads' steps
        opt.zero_grad()
        rf.functional.cross_entropy(model(images), labels).backward()
        opt.step()
        with rf.no_grad():  # an evaluation inside the loop, as training code does
            model(images)
    return [p.data.copy() for p in model.parameters()]


def test_two_threads_training_end_bit_identical_to_training_alone():
    alone = [_train_small_net(seed, 30) for seed in (0, 1)]
    results: dict[int, list] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(seed: int) -> None:
        try:
            results[seed] = _train_small_net(seed, 30, barrier)
        except BaseException as error:  # surfaced below, not lost in the thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(seed,)) for seed in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for seed in (0, 1):
        for a, b in zip(alone[seed], results[seed]):
            np.testing.assert_array_equal(a, b)


def test_no_grad_in_another_thread_does_not_switch_this_one_off():
    inside, release = threading.Event(), threading.Event()

    def hold_no_grad() -> None:
        with rf.no_grad():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=hold_no_grad)
    thread.start()
    try:
        assert inside.wait(5)
        assert rf.is_grad_enabled()
        w = rf.ones(2, requires_grad=True)
        assert (w * 2).requires_grad
    finally:
        release.set()
        thread.join()


def test_new_threads_start_with_grad_enabled():
    seen = []
    with rf.no_grad():
        thread = threading.Thread(target=lambda: seen.append(rf.is_grad_enabled()))
        thread.start()
        thread.join()
    assert seen == [True]


def test_one_decorator_instance_entered_recursively_restores_the_mode():
    guard = rf.no_grad()

    @guard
    def nested(depth: int) -> None:
        assert not rf.is_grad_enabled()
        if depth:
            nested(depth - 1)

    nested(3)
    assert rf.is_grad_enabled()
    with guard:
        with guard:
            pass
        assert not rf.is_grad_enabled()
    assert rf.is_grad_enabled()


def test_set_grad_enabled_works_as_decorator():
    @rf.set_grad_enabled(False)
    def off() -> bool:
        return rf.is_grad_enabled()

    assert rf.is_grad_enabled()  # decorating does not switch anything off
    assert off() is False
    assert rf.is_grad_enabled()
    with rf.no_grad():
        assert rf.set_grad_enabled(True)(rf.is_grad_enabled)() is True
        assert not rf.is_grad_enabled()


def test_no_grad_covers_the_body_of_a_decorated_generator():
    @rf.no_grad()
    def batches():
        for i in range(3):
            yield i, rf.is_grad_enabled()

    w = rf.ones(2, requires_grad=True)
    for i, enabled in batches():
        assert enabled is False, i
        assert rf.is_grad_enabled()  # the caller's mode is untouched between items
        assert (w * 2).requires_grad


def test_decorated_generator_passes_send_throw_close_and_return_value():
    @rf.no_grad()
    def echo():
        received = yield rf.is_grad_enabled()
        try:
            yield (received, rf.is_grad_enabled())
        except KeyError:
            yield ("caught", rf.is_grad_enabled())
        return "done"

    gen = echo()
    assert next(gen) is False
    assert gen.send("x") == ("x", False)
    assert gen.throw(KeyError("k")) == ("caught", False)
    with pytest.raises(StopIteration) as stop:
        next(gen)
    assert stop.value.value == "done"
    assert rf.is_grad_enabled()


def test_evaluate_in_a_thread_while_another_trains():
    """``evaluate`` (a no_grad function) running beside a training loop must not stop its graph."""
    train_set = data.SyntheticImages(64, size=8, seed=0)
    stop = threading.Event()

    def evaluate_repeatedly() -> None:
        model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 10))
        loader = data.DataLoader(train_set, batch_size=32)
        while not stop.is_set():
            rf.training.evaluate(model, loader)

    thread = threading.Thread(target=evaluate_repeatedly)
    thread.start()
    try:
        model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 10))
        x = rf.tensor(train_set.data[:16].astype(np.float32))
        for _ in range(200):
            loss = model(x).sum()
            assert loss.requires_grad
            loss.backward()
    finally:
        stop.set()
        thread.join()
