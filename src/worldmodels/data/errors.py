"""The errors datamodules raise when their files are not where the config says, or are there but unusable."""


class DatasetNotFoundError(FileNotFoundError):
    """A dataset's files are not where the config says; the message says where we looked and how to get them."""


class DataFileError(ValueError):
    """A dataset file is there but unusable (truncated, unsafe to read, or disagreeing with its companion files); the
    message names the file, what is wrong and what to do."""
