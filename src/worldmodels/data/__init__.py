"""Datasets and datamodules; batched multi-view augmentation."""

from worldmodels.data.augment import MultiViewAugment
from worldmodels.data.cifar10 import CIFAR10DataModule
from worldmodels.data.cifar10_files import load_cifar10
from worldmodels.data.errors import DatasetNotFoundError
from worldmodels.data.fashion_mnist import FashionMNISTDataModule
from worldmodels.data.fashion_mnist_files import load_fashion_mnist
from worldmodels.data.image_datamodule import ImageDataModule
from worldmodels.data.image_folder import ImageFolderDataModule
from worldmodels.data.trajectories import TrajectoryDataModule, TrajectoryWindows
from worldmodels.data.trajectory_files import TrajectoryDataError, load_shards, write_shards

__all__ = [
    "CIFAR10DataModule",
    "DatasetNotFoundError",
    "FashionMNISTDataModule",
    "ImageDataModule",
    "ImageFolderDataModule",
    "MultiViewAugment",
    "TrajectoryDataError",
    "TrajectoryDataModule",
    "TrajectoryWindows",
    "load_cifar10",
    "load_fashion_mnist",
    "load_shards",
    "write_shards",
]
