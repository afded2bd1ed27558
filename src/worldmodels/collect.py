"""`python -m worldmodels.collect env=two_rooms`: random-policy trajectories to sharded files."""

from worldmodels.cli.collect import main

if __name__ == "__main__":
    main()
