"""The error every datamodule raises when its files are not where the config says."""


class DatasetNotFoundError(FileNotFoundError):
    """A dataset's files are not where the config says; the message says where we looked and how to get them."""
