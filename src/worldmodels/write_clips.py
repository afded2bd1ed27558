"""`python -m worldmodels.write_clips data=moving_fmnist count=4`: a few clips as mp4 files, for a look."""

from worldmodels.cli.write_clips import main

if __name__ == "__main__":
    main()
