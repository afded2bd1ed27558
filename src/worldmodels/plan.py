"""`python -m worldmodels.plan ckpt=PATH env=two_rooms planner=cem`: planning evaluation of a saved world model."""

from worldmodels.cli.plan import main

if __name__ == "__main__":
    main()
