"""Datasets and datamodules; batched multi-view augmentation."""

from worldmodels.data.augment import MultiViewAugment
from worldmodels.data.fashion_mnist import FashionMNISTDataModule
from worldmodels.data.fashion_mnist_files import DatasetNotFoundError, load_fashion_mnist

__all__ = ["DatasetNotFoundError", "FashionMNISTDataModule", "MultiViewAugment", "load_fashion_mnist"]
