"""torch.utils.data's names: datasets, collation, samplers, background workers, per-sample transforms."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

import rectifiers as rf
from rectifiers import data
from rectifiers.data import transforms as T
from rectifiers.utils.data import DataLoader, Subset, TensorDataset, random_split

from .cifar_files import write_cifar10


def test_tensor_dataset_and_default_collation():
    x, y = rf.randn(10, 3, seed=0), rf.tensor(np.arange(10))
    batches = list(DataLoader(TensorDataset(x, y), batch_size=4))
    assert [b[0].shape for b in batches] == [(4, 3), (4, 3), (2, 3)]
    np.testing.assert_array_equal(batches[1][1].data, [4, 5, 6, 7])
    assert len(DataLoader(TensorDataset(x, y), batch_size=4, drop_last=True)) == 2
    dicts = DataLoader([{"a": 1.0, "b": np.ones(2)}] * 3, batch_size=3)
    (batch,) = list(dicts)
    assert batch["a"].dtype == np.float32 and batch["b"].shape == (3, 2)


def test_random_split_and_subset_partition_the_dataset():
    parts = random_split(list(range(10)), [0.7, 0.3], generator=np.random.default_rng(0))
    assert [len(p) for p in parts] == [7, 3]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    assert Subset(list("abcdef"), [5, 0])[0] == "f"
    with pytest.raises(ValueError, match="add up"):
        random_split(list(range(10)), [3, 3])


def test_sampler_batch_sampler_and_shuffle_conflicts():
    dataset = TensorDataset(rf.tensor(np.arange(6)))
    order = [b[0].tolist() for b in DataLoader(dataset, batch_size=2, sampler=[5, 4, 3, 2, 1, 0])]
    assert order == [[5, 4], [3, 2], [1, 0]]
    batches = [b[0].tolist() for b in DataLoader(dataset, batch_sampler=[[0, 2], [1]])]
    assert batches == [[0, 2], [1]]
    with pytest.raises(ValueError, match="exclude"):
        DataLoader(dataset, sampler=[0], shuffle=True)


@pytest.mark.parametrize("workers", [1, 2])
def test_background_workers_give_the_same_batches_as_the_main_process(workers):
    ds = data.SyntheticImages(96, size=8, seed=0)
    augment = T.Compose([T.RandomCrop(8, 2), T.RandomHorizontalFlip()])

    def batches(num_workers: int) -> list:
        loader = DataLoader(ds, batch_size=16, shuffle=True, num_workers=num_workers,
                            transform=augment, generator=np.random.default_rng(5))  # fmt: skip
        return [(x.data.copy(), y.data.copy()) for epoch in range(2) for x, y in loader]

    alone, parallel = batches(0), batches(workers)
    assert len(alone) == len(parallel) == 12
    for (xa, ya), (xb, yb) in zip(alone, parallel):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)


def test_per_sample_transforms_as_torchvision(tmp_path):
    write_cifar10(tmp_path)
    transform = T.Compose([T.ToTensor(), T.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    plain = data.CIFAR10(tmp_path, train=False)
    dataset = data.CIFAR10(
        tmp_path, train=False, transform=transform, target_transform=lambda t: t + 100
    )
    image, target = dataset[0]
    assert image.shape == (3, 32, 32) and target == plain.targets[0] + 100
    np.testing.assert_allclose(image.data, plain.data[0] / 255 * 2 - 1, atol=1e-6)
    (images, targets), *_ = list(DataLoader(dataset, batch_size=4, num_workers=1))
    assert images.shape == (4, 3, 32, 32) and targets.dtype == np.int64


def _write_safetensors(path, tensors: dict) -> None:
    header, body = {}, b""
    for name, array in tensors.items():
        code = {"float32": "F32", "int64": "I64"}[str(array.dtype)]
        raw = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {
            "dtype": code,
            "shape": list(array.shape),
            "data_offsets": [len(body), len(body) + len(raw)],
        }
        body += raw
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + body)


def test_a_state_dict_comes_in_through_safetensors_and_pickles_are_refused(tmp_path):
    model = rf.nn.Sequential(rf.nn.Linear(3, 2), rf.nn.BatchNorm1d(2))
    source = {k: v + 1 for k, v in model.state_dict().items()}
    _write_safetensors(tmp_path / "model.safetensors", source)
    model.load_state_dict(rf.load_safetensors(tmp_path / "model.safetensors"))
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, source[key])
    (tmp_path / "model.pt").write_bytes(
        b"\x80\x02}q\x00."
    )  # a pickle, as torch.save's legacy format
    with pytest.raises(rf.CheckpointError, match="never unpickles.*safetensors"):
        rf.load(tmp_path / "model.pt")
    (tmp_path / "broken.safetensors").write_bytes(b"\x05\x00")
    with pytest.raises(rf.CheckpointError, match="not a readable safetensors"):
        rf.load_safetensors(tmp_path / "broken.safetensors")
