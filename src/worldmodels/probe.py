"""`python -m worldmodels.probe ckpt=PATH probe=attentive`: frozen-probe evaluation of a saved checkpoint."""

from worldmodels.cli.probe import main

if __name__ == "__main__":
    main()
