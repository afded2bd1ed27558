#!/usr/bin/env bash
# Flat vs hierarchical planning on one trained world model, at (roughly) equal planning time per re-plan:
#   bash experiments/grid_rooms/flat_vs_hierarchical.sh RUN_DIR ENV EPISODES [protocol overrides...]
#   e.g. ... outputs/grid_rooms/runs/<run> grid_rooms 50 protocol.max_steps=300
#        ... outputs/two_rooms/runs/<run> two_rooms 50
# Rows: the hierarchical planner expanding its search with the learned k-step model (high_level; only for models
# trained with high_level=macro_mlp) and with the low-level rollout; flat iCEM at its default budget (10 actions x 128
# samples x 4 iterations); flat iCEM given the hierarchical planner's time (20 actions held 2 steps each, 384 samples).
set -euo pipefail
run=${1:?usage: flat_vs_hierarchical.sh RUN_DIR ENV EPISODES [overrides...]}
env=${2:?env}
episodes=${3:?episodes}
shift 3
out=outputs/${env}_flat_vs_hierarchical
common=(ckpt="$run" name="${env}_flat_vs_hierarchical" env="$env" planner.execute_steps=2 protocol.episodes="$episodes"
        protocol.episodes_per_batch="$episodes" "$@")
hierarchical=(planner=hierarchical planner.search.macro_scale=0.5 planner.search.directions=16)
if python -c "import sys, yaml; sys.exit(0 if yaml.safe_load(open('$run/config.yaml')).get('high_level') else 1)"; then
  worldmodels plan "${common[@]}" "${hierarchical[@]}" planner.search.transition=high_level
fi
worldmodels plan "${common[@]}" "${hierarchical[@]}" planner.search.transition=rollout
worldmodels plan "${common[@]}" planner=flat solver=icem solver.init_std=0.5
worldmodels plan "${common[@]}" planner=flat solver=icem solver.init_std=0.5 solver.horizon=20 planner.action_repeat=2 solver.samples=384
worldmodels summarize "$out/runs" --metric success=success_rate --metric final_px=mean_final_distance \
  --metric s_per_replan=seconds_per_replan_per_episode
