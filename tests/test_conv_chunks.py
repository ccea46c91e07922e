"""The chunked im2col (a few images per GEMM) gives the same numbers as one whole matrix."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from rectifiers.kernels import conv
from rectifiers.kernels._windows import output_size

from .test_kernels_gradcheck import conv_geometry


def forward_backward(g: dict, chunk_bytes: int) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5,) + g["x"][1:])
    weight = rng.standard_normal(g["w"])
    padding = (0, 0) if g["padding"] == "valid" else g["padding"]
    pads = tuple((p, p) for p in padding)
    saved_setting = conv.IM2COL_CHUNK_BYTES
    conv.IM2COL_CHUNK_BYTES = chunk_bytes
    try:
        out, saved = conv.conv2d_forward(
            x, weight, None, g["stride"], pads, g["dilation"], g["groups"]
        )
        grad = rng.standard_normal(out.shape)
        dx, dw, _ = conv.conv2d_backward(grad, saved, need_bias=False)
    finally:
        conv.IM2COL_CHUNK_BYTES = saved_setting
    return [out, dx, dw]


@given(conv_geometry(), st.integers(1, 3))
def test_chunked_im2col_matches_one_matrix(g, images_per_chunk):
    _, c_in, h, w = g["x"]
    _, _, kh, kw = g["w"]
    padding = (0, 0) if g["padding"] == "valid" else g["padding"]
    ho = output_size(h, kh, g["stride"][0], g["dilation"][0], 2 * padding[0])
    wo = output_size(w, kw, g["stride"][1], g["dilation"][1], 2 * padding[1])
    per_image = ho * wo * kh * kw * (c_in // g["groups"]) * 8  # float64
    whole = forward_backward(g, chunk_bytes=1 << 40)
    chunked = forward_backward(
        g, chunk_bytes=images_per_chunk * per_image
    )  # 5 images: uneven chunks
    for a, b in zip(whole, chunked):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_one_by_one_conv_on_channels_last_input_copies_nothing():
    x = (
        np.random.default_rng(0)
        .standard_normal((2, 5, 5, 3), dtype=np.float32)
        .transpose(0, 3, 1, 2)
    )
    windows = conv.channels_last_windows(x.transpose(0, 2, 3, 1), (1, 1), (1, 1), (1, 1), (5, 5))
    ((rows, cols),) = list(conv.im2col_chunks(windows))
    assert rows == slice(0, 50) and np.shares_memory(cols, x)
