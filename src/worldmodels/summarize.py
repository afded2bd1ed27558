"""`python -m worldmodels.summarize SWEEP_DIR`: mean ± std over seeds of a sweep's final metric, as a table and a plot."""

from worldmodels.cli.summarize import main

if __name__ == "__main__":
    main()
