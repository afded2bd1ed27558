"""`python -m worldmodels.plan ckpt=PATH planner=flat solver=cem protocol.split=dev`: planning evaluation of a saved world model."""

from worldmodels.cli.plan import main

if __name__ == "__main__":
    main()
