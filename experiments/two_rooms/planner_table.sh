#!/usr/bin/env bash
# CEM, MPPI, iCEM and GD at an equal budget (~384 horizon-10 sequence rollouts per re-plan) as the low level of the
# hierarchical planner, on one trained Two Rooms model, then one table:
#   bash experiments/two_rooms/planner_table.sh outputs/two_rooms/runs/<run> [episodes]
# Budgets: CEM and MPPI 96 samples x 4 iterations; iCEM 128 samples decaying by 1.25 x 4 iterations (378);
# GD 16 restarts x 8 Adam steps (128 forward + backward passes, ~384 forward-pass equivalents).
set -euo pipefail
run=${1:?usage: planner_table.sh RUN_DIR [EPISODES]}
episodes=${2:-40}
out=outputs/two_rooms_planners
common=(ckpt="$run" name=two_rooms_planners planner=hierarchical mpc.action_repeat=1 mpc.execute_steps=2
        protocol.episodes="$episodes" protocol.episodes_per_batch="$episodes")
python -m worldmodels.plan "${common[@]}" planner@planner.low=cem planner.low.samples=96 planner.low.iterations=4
python -m worldmodels.plan "${common[@]}" planner@planner.low=mppi planner.low.samples=96 planner.low.iterations=4
python -m worldmodels.plan "${common[@]}" planner@planner.low=icem planner.low.samples=128 planner.low.iterations=4
python -m worldmodels.plan "${common[@]}" planner@planner.low=gd planner.low.samples=16 planner.low.iterations=8
python -m worldmodels.summarize "$out/runs" --metric success=success_rate --metric final_px=mean_final_distance \
  --metric s_per_replan=seconds_per_replan_per_episode
