"""Wrong or damaged inputs fail loudly: foreign trajectory shards, truncated IDX files, image/label count mismatches,
unsafe CIFAR-10 pickles, and the data-listing fingerprint that keys caches."""

from __future__ import annotations

import gzip
import json
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from worldmodels.data import IDXFileError, TrajectoryDataError, load_cifar10, load_fashion_mnist, load_shards, write_shards
from worldmodels.data.cifar10_files import CIFARBatchError
from worldmodels.data.fingerprint import data_fingerprint


def write_idx(path: Path, array: np.ndarray) -> None:
    """A uint8 array as a gzipped IDX file (the Fashion-MNIST format)."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def trajectories(count: int, seed: int = 0) -> dict[str, np.ndarray]:
    """``count`` tiny trajectories: obs uint8 (N, 4, 1, 5, 5), actions float32 (N, 3, 2)."""
    rng = np.random.default_rng(seed)
    return {"obs": rng.integers(0, 256, (count, 4, 1, 5, 5), dtype=np.uint8), "actions": rng.normal(size=(count, 3, 2)).astype(np.float32)}


def collect_folder(folder: Path, env: str, count: int = 5, shard_size: int = 2) -> list[Path]:
    return write_shards(
        folder, trajectories(count), {"env": env, "policy": "HeadingRandomWalk", "seed": 0, "trajectory_length": 3}, shard_size
    )


def test_a_shard_of_another_env_in_the_folder_is_refused_naming_both(tmp_path: Path) -> None:
    rooms = collect_folder(tmp_path / "rooms", "two_rooms")
    wall = collect_folder(tmp_path / "wall", "wall")
    metadata = json.loads((tmp_path / "rooms" / "metadata.json").read_text())
    assert len(metadata["fingerprint"]) == 16
    assert load_shards(tmp_path / "rooms", expected_env="two_rooms")[0]["obs"].shape == (5, 4, 1, 5, 5)
    rooms[1].write_bytes(wall[1].read_bytes())  # a Wall shard copied into the Two Rooms folder
    with pytest.raises(TrajectoryDataError) as error:
        load_shards(tmp_path / "rooms", expected_env="two_rooms")
    message = str(error.value)
    assert str(rooms[1]) in message and "env 'wall'" in message and "env 'two_rooms'" in message
    assert metadata["fingerprint"] in message and "collect" in message
    assert not list((tmp_path / "rooms").glob(".*partial"))  # atomic writes leave no temporary files


def test_stray_and_missing_shards_are_named(tmp_path: Path) -> None:
    paths = collect_folder(tmp_path, "two_rooms")
    paths[0].rename(tmp_path / "shard_00007.npz")
    with pytest.raises(TrajectoryDataError, match=r"stray shards .*\['shard_00007.npz'\].*missing shards.*\['shard_00000.npz'\]"):
        load_shards(tmp_path)


def test_folders_written_before_fingerprints_still_load_but_do_not_mix(tmp_path: Path) -> None:
    arrays = trajectories(4)
    for index in range(2):
        np.savez_compressed(tmp_path / f"shard_{index:05d}.npz", **{k: v[2 * index : 2 * index + 2] for k, v in arrays.items()})
    (tmp_path / "metadata.json").write_text(json.dumps({"env": "two_rooms", "num_trajectories": 4, "num_shards": 2}))
    assert np.array_equal(load_shards(tmp_path)[0]["obs"], arrays["obs"])
    fingerprinted = collect_folder(tmp_path / "new", "two_rooms", count=2)
    (tmp_path / "shard_00001.npz").write_bytes(fingerprinted[0].read_bytes())
    with pytest.raises(TrajectoryDataError, match="shard_00001.npz does not belong.*no fingerprint"):
        load_shards(tmp_path)


def test_an_interrupted_shard_write_keeps_the_old_shard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = collect_folder(tmp_path, "two_rooms")
    before = paths[0].read_bytes()

    def dies_midway(file: object, **arrays: np.ndarray) -> None:
        file.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez_compressed", dies_midway)
    with pytest.raises(KeyboardInterrupt):
        collect_folder(tmp_path, "two_rooms")
    assert paths[0].read_bytes() == before and not list(tmp_path.glob(".*partial"))


def idx_folder(root: Path, images: int, labels: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    write_idx(root / "train-images-idx3-ubyte.gz", np.zeros((images, 28, 28), dtype=np.uint8))
    write_idx(root / "train-labels-idx1-ubyte.gz", np.zeros(labels, dtype=np.uint8))
    return root


def test_image_and_label_counts_that_differ_name_both_files(tmp_path: Path) -> None:
    root = idx_folder(tmp_path, images=60, labels=10)
    with pytest.raises(IDXFileError) as error:
        load_fashion_mnist(root, "train")
    message = str(error.value)
    assert "60 images" in message and "10 labels" in message
    assert str(root / "train-images-idx3-ubyte.gz") in message and str(root / "train-labels-idx1-ubyte.gz") in message


def test_a_truncated_idx_file_names_the_file_and_both_sizes(tmp_path: Path) -> None:
    root = idx_folder(tmp_path, images=6, labels=6)
    raw = root / "train-images-idx3-ubyte"
    raw.write_bytes(gzip.decompress((root / "train-images-idx3-ubyte.gz").read_bytes())[:1000])
    (root / "train-images-idx3-ubyte.gz").unlink()
    with pytest.raises(
        IDXFileError,
        match=rf"{raw} is truncated: its header \(shape \(6, 28, 28\)\) promises 4720 bytes, the file holds 1000 bytes.*download it again",
    ):
        load_fashion_mnist(root, "train")
    raw.unlink()
    gz = root / "train-labels-idx1-ubyte.gz"
    write_idx(root / "train-images-idx3-ubyte.gz", np.zeros((5000, 28, 28), dtype=np.uint8))
    write_idx(gz, np.random.default_rng(0).integers(0, 10, 5000))
    gz.write_bytes(gz.read_bytes()[:-1000])  # a copy cut short inside the gzip stream
    with pytest.raises(
        IDXFileError,
        match=rf"{gz} is truncated: its header \(shape \(5000,\)\) promises 5008 bytes, the file holds \d+ bytes "
        r"once decompressed \(\d+ bytes on disk\); the gzip stream ends early",
    ):
        load_fashion_mnist(root, "train")


def cifar_folder(root: Path, protocol: int = pickle.DEFAULT_PROTOCOL) -> Path:
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in [*(f"data_batch_{i}" for i in range(1, 6)), "test_batch"]:
        entry = {
            "batch_label": "batch",
            "data": rng.integers(0, 256, (3, 3072), dtype=np.uint8),
            "labels": [0, 1, 2],
            "filenames": ["a", "b", "c"],
        }
        (folder / name).write_bytes(pickle.dumps(entry, protocol=protocol))
    return folder


class RunsAShellCommand:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return os.system, (f"touch {self.marker}",)


def test_cifar_batches_load_with_the_restricted_unpickler(tmp_path: Path) -> None:
    images, labels = load_cifar10(cifar_folder(tmp_path / "new"), "test")
    assert images.shape == (3, 3, 32, 32) and labels.tolist() == [0, 1, 2]
    folder = cifar_folder(tmp_path / "old", protocol=2)  # numpy 1's module name, as the published batches have
    for path in folder.iterdir():
        path.write_bytes(path.read_bytes().replace(b"numpy._core.multiarray", b"numpy.core.multiarray"))
    assert b"numpy.core.multiarray" in (folder / "test_batch").read_bytes()
    assert load_cifar10(folder, "train")[0].shape == (15, 3, 32, 32)


def test_a_malicious_cifar_pickle_is_refused_without_running(tmp_path: Path) -> None:
    folder = cifar_folder(tmp_path)
    marker = tmp_path / "pwned"
    (folder / "test_batch").write_bytes(pickle.dumps({"data": RunsAShellCommand(marker), "labels": []}))
    with pytest.raises(pickle.UnpicklingError, match=r"forbidden global (posix|os|nt)\.system") as error:
        load_cifar10(tmp_path, "test")
    assert isinstance(error.value, CIFARBatchError) and str(folder / "test_batch") in str(error.value)
    assert not marker.exists()


def test_cifar_batch_with_fewer_labels_than_images_is_named(tmp_path: Path) -> None:
    folder = cifar_folder(tmp_path)
    entry = {"data": np.zeros((4, 3072), dtype=np.uint8), "labels": [0, 1]}
    (folder / "test_batch").write_bytes(pickle.dumps(entry))
    with pytest.raises(CIFARBatchError, match=rf"{folder / 'test_batch'} holds 4 images but 2 labels"):
        load_cifar10(tmp_path, "test")


def test_data_fingerprint_follows_the_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "0.png").write_bytes(b"x" * 10)
    first = data_fingerprint(tmp_path)
    assert data_fingerprint(tmp_path) == first
    (tmp_path / ".a.png.1234.partial").write_bytes(b"half")  # hidden temporary files do not count
    assert data_fingerprint(tmp_path) == first
    (tmp_path / "a" / "1.png").write_bytes(b"y")
    grown = data_fingerprint(tmp_path)
    assert grown != first
    (tmp_path / "a" / "1.png").write_bytes(b"yy")
    assert data_fingerprint(tmp_path) != grown
    assert data_fingerprint(tmp_path / "missing") != data_fingerprint(tmp_path / "a" / "0.png")
