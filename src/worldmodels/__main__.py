"""`python -m worldmodels <command> [overrides ...]`: the same as the `worldmodels` script (``worldmodels.cli``)."""

from worldmodels.cli import main

if __name__ == "__main__":
    main()
