"""What ``worldmodels train`` runs: one pipeline per ``cfg.pipeline`` (set by the task group), each the shared
skeleton (``run_pipeline``) around its own parts."""

from worldmodels.pipelines.pretrain import pretraining_parts
from worldmodels.pipelines.skeleton import BuildParts, RunParts, run_pipeline
from worldmodels.pipelines.world_model import world_model_parts

PIPELINES: dict[str, BuildParts] = {"pretrain": pretraining_parts, "world_model": world_model_parts}
"""``cfg.pipeline`` -> the builder of its parts (``task=pretrain``, ``task=world_model``)."""

__all__ = ["PIPELINES", "BuildParts", "RunParts", "run_pipeline"]
