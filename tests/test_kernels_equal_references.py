"""Every fast kernel equals its textbook reference (the ``*_reference`` functions at the top of
its file), in every memory layout, block size, fold factor and im2col buffer size."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectifiers.kernels import (
    _layout,
    batch_norm,
    conv,
    dropout,
    leaky_relu,
    loss,
    pooling,
    prelu,
    relu,
    rrelu,
)

from .helpers import channels_last, kernel_blocks
from .test_kernels_gradcheck import conv_geometry, pool_geometry

SHAPES = st.sampled_from([(5,), (6, 3), (4, 3, 5), (3, 2, 4, 5), (2, 3, 7, 1)])
IMAGE_SHAPES = st.sampled_from([(3, 2, 4, 5), (2, 3, 7, 1), (4, 8, 3, 3)])
LAYOUTS = st.sampled_from(["nchw", "channels_last", "strided"])
BLOCK_BYTES = st.sampled_from([1, 40, 1 << 20])  # one row per block … everything in one
THREADS = st.sampled_from([1, 2, 3])  # how many threads share out the blocks of a pass
FOLDED_ROWS = st.sampled_from([1, 6, 2048])  # no folding … long rows


def in_layout(a: np.ndarray, layout: str) -> np.ndarray:
    """The same values lying NCHW, channels-last, or strided (every other element of a copy)."""
    if layout == "channels_last":
        return channels_last(a)
    if layout == "strided" and a.ndim > 2:
        return np.repeat(a, 2, axis=-1)[..., ::2]
    return a


def random_pair(shape, layout: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return in_layout(rng.standard_normal(shape), layout), in_layout(
        rng.standard_normal(shape), layout
    )


def assert_same_layout(out: np.ndarray, x: np.ndarray) -> None:
    """Channels-last in, channels-last out (an array with one pixel per image is both)."""
    if min(np.prod(out.shape[2:]), np.prod(x.shape[2:])) > 1:
        assert _layout.is_channels_last(out) == _layout.is_channels_last(x)


# --- the rectifiers -------------------------------------------------------------------


@given(SHAPES, LAYOUTS, BLOCK_BYTES, THREADS)
def test_relu(shape, layout, block_bytes, threads):
    x, g = random_pair(shape, layout)
    with kernel_blocks(block_bytes, threads=threads):
        y, positive = relu.relu_forward(x)
        dx = relu.relu_backward(g, positive)
    np.testing.assert_array_equal(y, relu.relu_reference(x))
    np.testing.assert_array_equal(dx, relu.relu_backward_reference(g, x))


@given(SHAPES, LAYOUTS, st.sampled_from([0.0, 0.01, 1 / 5.5, 1.0, 1.5, -0.3]), BLOCK_BYTES, THREADS)
def test_leaky_relu(shape, layout, slope, block_bytes, threads):
    x, g = random_pair(shape, layout)
    with kernel_blocks(block_bytes, threads=threads):
        y = leaky_relu.leaky_relu_forward(x, slope)
        dx = leaky_relu.leaky_relu_backward(g, x, slope)
    np.testing.assert_array_equal(y, leaky_relu.leaky_relu_reference(x, slope))
    np.testing.assert_array_equal(dx, leaky_relu.leaky_relu_backward_reference(g, x, slope))


@given(SHAPES, LAYOUTS, st.booleans(), BLOCK_BYTES, FOLDED_ROWS, THREADS)
def test_prelu(shape, layout, shared, block_bytes, row, threads):
    x, g = random_pair(shape, layout)
    channels = 1 if shared or len(shape) < 2 else shape[1]
    slope = np.random.default_rng(1).uniform(-0.5, 1.5, channels)
    with kernel_blocks(block_bytes, folded_row=row, threads=threads):
        y = prelu.prelu_forward(x, slope)
        dx, dslope = prelu.prelu_backward(g, x, slope)
    dx_ref, dslope_ref = prelu.prelu_backward_reference(g, x, slope)
    np.testing.assert_allclose(y, prelu.prelu_reference(x, slope), rtol=1e-12)
    np.testing.assert_allclose(dx, dx_ref, rtol=1e-12)
    np.testing.assert_allclose(dslope, dslope_ref, rtol=1e-10)
    if (
        layout == "channels_last" and len(shape) > 2 and channels > 1
    ):  # keeps a conv output's layout
        assert _layout.is_channels_last(y) and _layout.is_channels_last(dx)


@pytest.mark.parametrize("slope", [0.0, 0.01, 1 / 5.5, 1.0, 1.5, -0.3])
def test_leaky_relu_special_values(slope):
    """Either fast form (max(x, a·x) for 0 < a ≤ 1, x·scale otherwise) handles ±∞, NaN, ±0."""
    x = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 2.0, -2.0, 1e-45], np.float32)
    with np.errstate(invalid="ignore"):
        expected = leaky_relu.leaky_relu_reference(x, np.float32(slope))
        got = leaky_relu.leaky_forward(x, np.float32(slope))
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))
    g = np.full_like(x, 3.7)  # dx = g exactly where x > 0, a·g elsewhere (PyTorch: NaN → a·g)
    dx = leaky_relu.leaky_backward(g, x, np.float32(slope))
    np.testing.assert_array_equal(
        dx, leaky_relu.leaky_relu_backward_reference(g, x, np.float32(slope))
    )


def memory_order(a: np.ndarray) -> np.ndarray:
    """The C-ordered array whose element order is a's memory order (a channels-last image: NHWC)."""
    return np.moveaxis(a, 1, -1) if _layout.is_channels_last(a) else a


@given(SHAPES, st.sampled_from(["nchw", "channels_last"]), st.sampled_from(["slope", "divisor"]),
       st.sampled_from([np.float32, np.float64]), BLOCK_BYTES)  # fmt: skip
def test_rrelu_draws_the_reference_slopes_in_memory_order(shape, layout, form, dtype, block_bytes):
    x, g = (a.astype(dtype) for a in random_pair(shape, layout))
    bounds = (1 / 8, 1 / 3) if form == "slope" else (3.0, 8.0)
    with kernel_blocks(block_bytes):
        y, scale = rrelu.rrelu_train_forward(x, *bounds, form, np.random.default_rng(7))
    y_ref, scale_ref = rrelu.rrelu_train_reference(
        memory_order(x), *bounds, form, np.random.default_rng(7)
    )
    np.testing.assert_array_equal(memory_order(scale), scale_ref)
    np.testing.assert_array_equal(memory_order(y), y_ref)
    np.testing.assert_array_equal(
        rrelu.rrelu_train_backward(g, scale), rrelu.rrelu_train_backward_reference(g, scale)
    )


@given(SHAPES, st.sampled_from(["nchw", "channels_last"]), st.sampled_from([0.0, 0.3, 1.0]))
def test_dropout_draws_the_reference_mask_in_memory_order(shape, layout, p):
    x, _ = random_pair(shape, layout)
    y, mask = dropout.dropout_forward(x, p, np.random.default_rng(3))
    y_ref, mask_ref = dropout.dropout_reference(memory_order(x), p, np.random.default_rng(3))
    np.testing.assert_array_equal(memory_order(mask), mask_ref)
    np.testing.assert_array_equal(memory_order(y), y_ref)


# --- batch norm -----------------------------------------------------------------------


@given(st.sampled_from([(6, 3), (4, 3, 5), (3, 2, 4, 5), (2, 3, 1, 1), (4, 3, 7, 1)]),
       LAYOUTS, BLOCK_BYTES, FOLDED_ROWS, THREADS)  # fmt: skip
def test_batch_norm(shape, layout, block_bytes, row, threads):
    x, g = random_pair(shape, layout)
    rng = np.random.default_rng(2)
    gamma, beta = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    with kernel_blocks(block_bytes, folded_row=row, threads=threads):
        y, saved, mean, var = batch_norm.batch_norm_train_forward(x, gamma, beta, 1e-5)
        dx, dgamma, dbeta = batch_norm.batch_norm_backward(g, saved)
    y_ref, mean_ref, var_ref = batch_norm.batch_norm_train_reference(x, gamma, beta, 1e-5)
    expected = (y_ref, mean_ref, var_ref) + batch_norm.batch_norm_backward_reference(
        g, x, gamma, 1e-5
    )
    for got, want in zip((y, mean, var, dx, dgamma, dbeta), expected):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
    if layout != "strided":  # the memory layout is kept
        assert_same_layout(y, x), assert_same_layout(dx, x)


# --- convolution ----------------------------------------------------------------------


@given(conv_geometry(), st.booleans(), st.integers(1, 3))
def test_conv2d(g, last, images_per_block):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5,) + g["x"][1:])  # 5 images: uneven blocks
    x = channels_last(x) if last else x
    weight, bias = rng.standard_normal(g["w"]), rng.standard_normal(g["w"][0])
    padding = (0, 0) if g["padding"] == "valid" else g["padding"]
    args = (g["stride"], tuple((p, p) for p in padding), g["dilation"], g["groups"])
    c_in, h, w = g["x"][1:]
    per_image = h * w * g["w"][2] * g["w"][3] * c_in * 8  # at least one output row's worth
    with kernel_blocks(1 << 20, im2col_bytes=images_per_block * per_image):
        out, saved = conv.conv2d_forward(x, weight, bias, *args)
        grad = rng.standard_normal(out.shape)
        got = (out,) + conv.conv2d_backward(grad, saved)
    expected = (conv.conv2d_reference(x, weight, bias, *args),)
    expected += conv.conv2d_backward_reference(grad, x, weight, *args)
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


def test_one_by_one_conv_on_channels_last_input_copies_nothing():
    x = channels_last(np.random.default_rng(0).standard_normal((2, 3, 5, 5), dtype=np.float32))
    windows = conv.channels_last_windows(x.transpose(0, 2, 3, 1), (1, 1), (1, 1), (1, 1), (5, 5))
    ((rows, cols),) = list(conv.im2col_chunks(windows))
    assert rows == slice(0, 50) and np.shares_memory(cols, x)


# --- pooling and loss -----------------------------------------------------------------


@given(pool_geometry(), st.booleans(), st.sampled_from([1, 100, 1 << 30]), THREADS)
def test_max_pool2d_ties_included(g, last, block_bytes, threads):
    # rounded ReLU outputs: many windows hold ties, the case where "first maximum" matters
    x = np.maximum(np.round(np.random.default_rng(0).standard_normal((5,) + g["shape"][1:])), 0)
    x = channels_last(x) if last else x
    args = (g["kernel_size"], g["stride"], tuple((p, p) for p in g["padding"]))
    with kernel_blocks(block_bytes, threads=threads):
        out, saved = pooling.max_pool2d_forward(x, *args)
        grad = np.random.default_rng(1).standard_normal(out.shape)
        dx = pooling.max_pool2d_backward(grad, saved)
        # each window's gradient lands once in total, however many of its taps tie
        assert pooling.max_pool2d_backward(np.ones(out.shape), saved).sum() == out.size
    np.testing.assert_array_equal(out, pooling.max_pool2d_reference(x, *args))
    np.testing.assert_allclose(
        dx, pooling.max_pool2d_backward_reference(grad, x, *args), rtol=1e-12, atol=1e-12
    )
    assert_same_layout(out, x), assert_same_layout(dx, grad)  # dx follows the incoming gradient


@given(pool_geometry(), st.booleans())
def test_avg_pool2d(g, last):
    x = np.random.default_rng(0).standard_normal((3,) + g["shape"][1:])
    x = channels_last(x) if last else x
    args = (g["kernel_size"], g["stride"], tuple((p, p) for p in g["padding"]))
    out, saved = pooling.avg_pool2d_forward(x, *args)
    grad = np.random.default_rng(1).standard_normal(out.shape)
    np.testing.assert_allclose(out, pooling.avg_pool2d_reference(x, *args), rtol=1e-12)
    np.testing.assert_allclose(
        pooling.avg_pool2d_backward(grad, saved),
        pooling.avg_pool2d_backward_reference(grad, x, *args),
        rtol=1e-12,
        atol=1e-15,
    )


@given(st.integers(1, 6), st.integers(2, 5), st.integers(0, 100))
def test_cross_entropy(n, classes, seed):
    rng = np.random.default_rng(seed)
    logits, targets = rng.standard_normal((n, classes)) * 3, rng.integers(0, classes, n)
    value, saved = loss.cross_entropy_forward(logits, targets)
    # atol: the reference's log of a probability near 1 keeps only ~1e-16 absolute accuracy
    reference = loss.cross_entropy_reference(logits, targets)
    np.testing.assert_allclose(value, reference, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        loss.cross_entropy_backward(np.float64(1.0), saved),
        loss.cross_entropy_backward_reference(logits, targets),
        rtol=1e-12,
        atol=1e-15,
    )


# --- the files read reference first ---------------------------------------------------

KERNELS = Path(conv.__file__).parent
OP_FILES = sorted(p for p in KERNELS.glob("*.py") if "_forward(" in p.read_text())  # not windows.py


def top_level_functions(path: Path) -> list[ast.FunctionDef]:
    return [n for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)]


@pytest.mark.parametrize("path", OP_FILES, ids=lambda p: p.name)
def test_every_op_file_opens_with_its_reference(path):
    if path.name == "linear.py":  # three matrix products: the reference is the fast kernel
        assert "reference and the fast kernel are the same" in path.read_text()
        return
    assert top_level_functions(path)[0].name.endswith("_reference")


@pytest.mark.parametrize("name", ["prelu", "conv", "batch_norm"])
def test_the_backward_a_student_looks_for_is_within_the_first_40_lines(name):
    functions = top_level_functions(KERNELS / f"{name}.py")
    backward = next(f for f in functions if f.name.endswith("backward_reference"))
    assert backward.end_lineno <= 40
