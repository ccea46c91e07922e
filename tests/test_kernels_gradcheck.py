"""Every kernel's backward gradchecked in float64 on hypothesis-drawn geometry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import rectifiers.functional as F
from rectifiers.autograd import gradcheck

from .helpers import away_from, leaf64, random64


@st.composite
def conv_geometry(draw):
    groups = draw(st.sampled_from([1, 1, 2]))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(st.one_of(st.tuples(st.integers(0, 2), st.integers(0, 2)), st.just("valid")))
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    pads = (0, 0) if padding == "valid" else padding
    assume(h + 2 * pads[0] >= dilation[0] * (kh - 1) + 1)
    assume(w + 2 * pads[1] >= dilation[1] * (kw - 1) + 1)
    return dict(
        x=(draw(st.integers(1, 2)), c_in, h, w),
        w=(c_out, c_in // groups, kh, kw),
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        bias=draw(st.booleans()),
    )


@given(conv_geometry())
def test_conv2d(g):
    x, w = random64(g["x"], 1), random64(g["w"], 2)
    inputs = [x, w] + ([random64((g["w"][0],), 3)] if g["bias"] else [])
    kwargs = dict(
        stride=g["stride"], padding=g["padding"], dilation=g["dilation"], groups=g["groups"]
    )
    assert gradcheck(lambda *t: F.conv2d(*t, **kwargs), inputs)


@given(st.integers(1, 3), st.sampled_from([(0, 0), (1, 1), (0, 1)]))
def test_conv2d_same_padding_keeps_the_size(k, dilation_extra):
    dilation = (1 + dilation_extra[0], 1 + dilation_extra[1])
    x, w = random64((1, 2, 5, 4), 1), random64((3, 2, k, k + 1), 2)
    out = F.conv2d(x, w, padding="same", dilation=dilation)
    assert out.shape == (1, 3, 5, 4)
    assert gradcheck(lambda a, b: F.conv2d(a, b, padding="same", dilation=dilation), [x, w])


@st.composite
def pool_geometry(draw):
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    p = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    h, w = draw(st.integers(k[0], 7)), draw(st.integers(k[1], 7))
    return dict(shape=(2, 2, h, w), kernel_size=k, stride=s, padding=p)


@given(pool_geometry(), st.integers(0, 1000))
def test_max_pool2d(g, seed):
    # distinct values: finite differences cannot differentiate through a tie
    values = np.random.default_rng(seed).permutation(np.prod(g["shape"])).reshape(g["shape"]) * 0.1
    x = leaf64(values)
    assert gradcheck(lambda t: F.max_pool2d(t, g["kernel_size"], g["stride"], g["padding"]), [x])


@given(pool_geometry())
def test_avg_pool2d(g):
    x = random64(g["shape"], 4)
    assert gradcheck(lambda t: F.avg_pool2d(t, g["kernel_size"], g["stride"], g["padding"]), [x])


def test_adaptive_avg_pool2d():
    x = random64((2, 3, 4, 6))
    assert gradcheck(lambda t: F.adaptive_avg_pool2d(t, 1), [x])
    assert gradcheck(lambda t: F.adaptive_avg_pool2d(t, (2, 3)), [x])


@pytest.mark.parametrize("x_shape", [(4, 3), (2, 5, 3), (3, 1, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear(x_shape, bias):
    inputs = [random64(x_shape, 1), random64((2, 3), 2)] + ([random64((2,), 3)] if bias else [])
    assert gradcheck(lambda *t: F.linear(*t), inputs)


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2, 3), (2, 3, 5)])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm(shape, training, affine):
    c = shape[1]
    x = random64(shape, 1)
    params = [random64((c,), 2), random64((c,), 3)] if affine else []
    mean, var = leaf64(np.linspace(-1, 1, c), False), leaf64(np.linspace(0.5, 2, c), False)

    def bn(t, *p):
        return F.batch_norm(
            t, None if training else mean, None if training else var, *p, training=training
        )

    assert gradcheck(bn, [x, *params])


def test_dropout_uses_one_mask_in_forward_and_backward():
    x = random64((50,), 1)
    rng_seed = 7

    def f(t):
        return F.dropout(t, 0.4, training=True, generator=np.random.default_rng(rng_seed))

    assert gradcheck(f, [x])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy(reduction):
    logits = random64((5, 4), 1)
    targets = np.array([0, 3, 1, 1, 2])
    assert gradcheck(lambda t: F.cross_entropy(t, targets, reduction=reduction), [logits])


@pytest.mark.parametrize(
    "name, fn",
    [
        ("relu", F.relu),
        ("leaky_relu", lambda t: F.leaky_relu(t, 0.2)),
        ("rrelu eval", lambda t: F.rrelu(t, 3, 8, training=False, parameterization="divisor")),
        ("rrelu train", lambda t: F.rrelu(t, training=True, generator=np.random.default_rng(3))),
    ],
)
@given(st.integers(0, 1000))
def test_rectifiers(name, fn, seed):
    x = leaf64(away_from(np.random.default_rng(seed).uniform(-2, 2, (3, 4, 2))))
    assert gradcheck(fn, [x])


@given(st.integers(0, 1000), st.sampled_from([(4, 3), (2, 3, 2, 2), (2, 3, 4)]), st.booleans())
def test_prelu_gradients_for_input_and_slope(seed, shape, shared):
    rng = np.random.default_rng(seed)
    x = leaf64(away_from(rng.uniform(-2, 2, shape)))
    slope = leaf64(rng.uniform(-0.5, 1.0, 1 if shared else shape[1]))
    assert gradcheck(F.prelu, [x, slope])
