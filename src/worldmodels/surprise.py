"""`python -m worldmodels.surprise ckpt=PATH`: violation-of-expectation evaluation of a saved video JEPA."""

from worldmodels.cli.surprise import main

if __name__ == "__main__":
    main()
