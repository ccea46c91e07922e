"""Which GEMM kernels OpenBLAS runs: reported, and warned about when it chose slower ones itself."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import rectifiers as rf
from rectifiers.kernels import blas

AVX2 = frozenset({"avx", "avx2", "fma"})
AVX512 = AVX2 | {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}


@pytest.mark.parametrize(
    "core, flags, expected",
    [("Haswell", AVX512, "SkylakeX"), ("Zen", AVX512, "SkylakeX"), ("Haswell", AVX2, None),
     ("SkylakeX", AVX512, None), ("Cooperlake", AVX512, None), ("SapphireRapids", AVX512, None),
     (None, AVX512, None), ("Haswell", AVX512 - {"avx512vl"}, None), ("Haswell", frozenset(), None)],
)  # fmt: skip
def test_a_faster_core_is_named_only_where_the_cpu_has_all_its_instructions(core, flags, expected):
    assert blas.faster_core(core, flags) == expected


@pytest.fixture
def slower_core_detected(monkeypatch):
    """As on a Zen 5 that OpenBLAS takes for a Haswell, with no OPENBLAS_CORETYPE set."""
    monkeypatch.setattr(blas, "core_name", lambda: "Haswell")
    monkeypatch.setattr(blas, "cpu_flags", lambda: AVX512)
    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)


def test_a_slower_core_detected_by_openblas_is_warned_about_with_the_remedy(slower_core_detected):
    with pytest.warns(rf.PerformanceWarning, match="OPENBLAS_CORETYPE=SkylakeX"):
        assert blas.warn_if_slower_core()
    assert "can run the faster SkylakeX" in blas.kernel_report()


def test_a_core_set_in_the_environment_is_the_users_choice(slower_core_detected, monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not blas.warn_if_slower_core()
    assert "OPENBLAS_CORETYPE=Haswell in the environment" in blas.kernel_report()


def test_fit_warns_once_about_slower_kernels(slower_core_detected):
    rng = np.random.default_rng(0)
    data = rf.utils.data.TensorDataset(
        rf.Tensor(rng.standard_normal((8, 4), dtype=np.float32)), rf.Tensor(np.arange(8) % 2)
    )
    model = rf.nn.Linear(4, 2)
    loader = rf.utils.data.DataLoader(data, batch_size=4)
    with pytest.warns(rf.PerformanceWarning) as caught:
        optimizer = rf.optim.SGD(model.parameters(), lr=0.1)
        rf.training.fit(model, loader, optimizer, epochs=1, progress=False, log=None)
    assert len([w for w in caught if w.category is rf.PerformanceWarning]) == 1


def test_the_report_names_the_kernels_this_process_runs():
    core = blas.core_name()
    report = blas.kernel_report()
    assert (
        core is None and report.startswith("no OpenBLAS")
    ) or f"OpenBLAS {core} kernels" in report
