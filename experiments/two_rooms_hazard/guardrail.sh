#!/usr/bin/env bash
# Guardrails on Two Rooms with a hazard: one trained Two Rooms world model, the hierarchical planner, episodes whose
# straight way crosses an invisible forbidden box; no guardrail, a soft guardrail, a hard one (100 labels each):
#   bash experiments/two_rooms_hazard/guardrail.sh outputs/two_rooms/runs/<run> [episodes]
set -euo pipefail
run=${1:?usage: guardrail.sh RUN_DIR [EPISODES]}
episodes=${2:-100}
common=(ckpt="$run" name=two_rooms_hazard env=two_rooms_hazard planner=hierarchical
        protocol.episodes="$episodes" protocol.episodes_per_batch="$episodes" protocol.max_steps=100)
worldmodels plan "${common[@]}"
worldmodels plan "${common[@]}" guardrail=hazard
worldmodels plan "${common[@]}" guardrail=hazard guardrail.hard=true
worldmodels summarize outputs/two_rooms_hazard/runs --metric success=success_rate --metric violations=violation_rate \
  --metric safe_success=safe_success_rate --metric s_per_replan=seconds_per_replan_per_episode
