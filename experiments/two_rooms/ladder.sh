#!/usr/bin/env bash
# The Two Rooms planner ladder on the test split: every row plans the same 100 test episodes with the world models of
# the training seeds given, one `worldmodels plan` per row and seed, into ladder/<row>/seed_<n>/.
#   [EPISODES=25] bash experiments/two_rooms/ladder.sh ROW SEED=RUN_DIR [SEED=RUN_DIR ...]   (EPISODES: the test split's first ones; 100 by default)
#   e.g. bash experiments/two_rooms/ladder.sh hierarchical 0=outputs/two_rooms/runs/<run0> 1=outputs/two_rooms/runs/<run1>
# then: python experiments/two_rooms/ladder.py (the table ladder.md and the plot ladder.png).
# Rows (their planner overrides): hierarchical (the default), search (the graph search without the transition memory),
# icem_equal / mppi_equal / cem_equal / gd_equal (flat solvers at the default's ~45,500 model transitions per re-plan per
# episode, re-planning every 2 steps: iCEM 15 x (1,024 + 819 + 655 + 524 samples), MPPI and CEM 30 x 512 x 3, GD 30 x 64 x 24),
# mppi_reference (flat MPPI at the reference's settings: 200 samples x 20 iterations x horizon 90, re-plan every step).
set -euo pipefail
row=${1:?usage: ladder.sh ROW SEED=RUN_DIR [...]}
shift
case "$row" in
  hierarchical) overrides=() ;;
  search) overrides=(planner.corrections.memory=null) ;;
  icem_equal) overrides=(planner=flat planner.execute_steps=2 solver=icem solver.horizon=15 solver.samples=1024 solver.iterations=4) ;;
  mppi_equal) overrides=(planner=flat planner.execute_steps=2 solver=mppi solver.horizon=30 solver.samples=512 solver.iterations=3 solver.elites=64) ;;
  cem_equal) overrides=(planner=flat planner.execute_steps=2 solver=cem solver.horizon=30 solver.samples=512 solver.iterations=3 solver.elites=64) ;;
  gd_equal) overrides=(planner=flat planner.execute_steps=2 solver=gd solver.horizon=30 solver.samples=64 solver.iterations=23) ;;
  mppi_reference) overrides=(planner=flat planner.execute_steps=1 solver=mppi solver.horizon=90 solver.samples=200 solver.iterations=20 solver.elites=20) ;;
  *) echo "unknown row $row" >&2; exit 2 ;;
esac
here=$(dirname "$0")
for pair in "$@"; do
  seed=${pair%%=*}
  run=${pair#*=}
  worldmodels plan ckpt="$run" protocol.split=test protocol.episodes="${EPISODES:-100}" "${overrides[@]}" hydra.run.dir="$here/ladder/$row/seed_$seed"
done
