"""Train a JEPA: `python train.py encoder=vit_tiny regularizer=vicreg` (`python train.py --help` lists the groups)."""

from worldmodels.cli.train import main

if __name__ == "__main__":
    main()
