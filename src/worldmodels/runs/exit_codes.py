"""The exit codes of `train.py` (and every Hydra entry point of the project), so a scheduler can act on them.

0   the run (or every job of the sweep) finished and wrote its results
1   the run failed: an error, a config error, or a run that trained no step (the message and ``failed.json`` say why)
3   a sweep ran to its end but some jobs failed (listed in ``<sweep dir>/failures.json``)
75  the run was stopped by a signal (SIGTERM, SIGUSR1, SIGUSR2) after saving ``checkpoints/last.ckpt``: requeue it, or
    resume with ``python train.py resume=<run dir>`` (75 is ``EX_TEMPFAIL``: a temporary failure, retry)
"""

EXIT_FAILED = 1
EXIT_SWEEP_FAILED = 3
EXIT_PREEMPTED = 75
