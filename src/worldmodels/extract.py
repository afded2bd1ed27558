"""`python -m worldmodels.extract input=VIDEO_OR_FOLDER encoder=... ckpt=...`: frozen features of videos, one file each."""

from worldmodels.cli.extract import main

if __name__ == "__main__":
    main()
