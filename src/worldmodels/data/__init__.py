"""Datasets and datamodules (images, clips, trajectories); batched multi-view augmentation."""

from worldmodels.data.augment import MultiViewAugment
from worldmodels.data.cifar10 import CIFAR10DataModule
from worldmodels.data.cifar10_files import load_cifar10
from worldmodels.data.clip_augment import ClipAugment
from worldmodels.data.errors import DataFileError, DatasetNotFoundError
from worldmodels.data.fashion_mnist import FashionMNISTDataModule
from worldmodels.data.fashion_mnist_files import IDXFileError, load_fashion_mnist
from worldmodels.data.image_datamodule import ImageDataModule
from worldmodels.data.image_folder import ImageFolderDataModule
from worldmodels.data.impossible_events import ImpossibleEventPairs
from worldmodels.data.moving_fmnist import MovingFMNIST, MovingFMNISTDataModule
from worldmodels.data.trajectories import TrajectoryDataModule, TrajectoryWindows
from worldmodels.data.trajectory_files import TrajectoryDataError, load_shards, write_shards
from worldmodels.data.video_folder import VideoFolderDataModule
from worldmodels.data.video_writer import write_video

__all__ = [
    "CIFAR10DataModule",
    "ClipAugment",
    "DataFileError",
    "DatasetNotFoundError",
    "FashionMNISTDataModule",
    "IDXFileError",
    "ImageDataModule",
    "ImageFolderDataModule",
    "ImpossibleEventPairs",
    "MovingFMNIST",
    "MovingFMNISTDataModule",
    "MultiViewAugment",
    "TrajectoryDataError",
    "TrajectoryDataModule",
    "TrajectoryWindows",
    "VideoFolderDataModule",
    "load_cifar10",
    "load_fashion_mnist",
    "load_shards",
    "write_shards",
    "write_video",
]
