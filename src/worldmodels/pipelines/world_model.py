"""The world-model pipeline (``task=world_model``, e.g. ``worldmodels train experiment=two_rooms``).

Collect or read trajectories, train the action-conditioned dynamics, then run the planning protocol and write
``trajectories.png`` and ``episode.gif`` in the run directory (``worldmodels plan`` runs the same protocol on a saved
model).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytorch_lightning as pl
import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from worldmodels.interfaces import World
from worldmodels.pipelines.skeleton import RunParts
from worldmodels.planning import LatentMPC, evaluate_planning
from worldmodels.planning.plots import episode_gif, plot_trajectories
from worldmodels.planning.protocol import fingerprint
from worldmodels.runs import resolve_checkpoint, saved_run_config


def build_world_model(cfg: DictConfig, world: World) -> pl.LightningModule:
    """Encoder, latent head, action-conditioned dynamics (``cfg.dynamics``), regularizer, optional high-level model and optional decoder
    composed by ``cfg.model``; the head's input width is the encoder's (T, D) tokens of one uint8 ``world.obs_shape``
    observation, flattened."""
    pl.seed_everything(cfg.seed, workers=True, verbose=False)
    encoder = instantiate(cfg.encoder)
    with torch.no_grad():
        tokens = encoder(torch.zeros(1, *world.obs_shape, dtype=torch.uint8))  # (1, T, D)
    head = instantiate(cfg.head, in_dim=tokens.shape[1] * tokens.shape[2])
    dynamics = instantiate(cfg.dynamics, latent_dim=head.out_dim, action_dim=world.action_dim)  # the model's `predictor`
    regularizer = instantiate(cfg.regularizer, latent_dim=head.out_dim, action_dim=world.action_dim)
    high_level = instantiate(cfg.high_level, latent_dim=head.out_dim, action_dim=world.action_dim) if cfg.get("high_level") else None
    decoder = instantiate(cfg.decoder, latent_dim=head.out_dim, obs_shape=tuple(world.obs_shape)) if cfg.get("decoder") else None
    state_dim = 2 if hasattr(world, "geometry") else 0
    return instantiate(cfg.model, _partial_=True)(
        encoder=encoder,
        head=head,
        predictor=dynamics,
        regularizer=regularizer,
        high_level=high_level,
        decoder=decoder,
        state_dim=state_dim,
        run_config=OmegaConf.to_container(cfg, resolve=True),
    )


def build_controller(cfg: DictConfig, model: pl.LightningModule, world: World) -> LatentMPC:
    """The receding-horizon controller ``cfg.planner`` (with its ``cfg.solver``) around the trained model."""
    return instantiate(cfg.planner, world_model=model, action_dim=world.action_dim)


def evaluate_and_record(
    cfg: DictConfig, model: pl.LightningModule, world: World, run_dir: Path, checkpoint: str | Path | None
) -> dict[str, Any]:
    """Run the planning protocol (with ``cfg.guardrail`` fitted first when set) on the weights of ``checkpoint`` (the
    file they were saved to, for the fingerprint); write trajectories.png and episode.gif; return the protocol's results
    with a fingerprint (``worldmodels.planning.protocol.fingerprint``)."""
    model.eval()
    torch.manual_seed(cfg.seed)
    controller = build_controller(cfg, model, world)
    guardrail_report = {}
    if cfg.get("guardrail"):
        guardrail = instantiate(cfg.guardrail).build(model, world, seed=cfg.seed)
        controller.objective.guardrails.append(guardrail)
        guardrail_report = {"guardrail": {**OmegaConf.to_container(cfg.guardrail, resolve=True), **guardrail.fit_report}}
    results, record = evaluate_planning(controller, world, out_dir=run_dir, **OmegaConf.to_container(cfg.protocol, resolve=True))
    planning_cfg = {
        key: OmegaConf.to_container(cfg[key], resolve=True) for key in ("env", "solver", "planner", "protocol", "guardrail") if key in cfg
    }
    results["fingerprint"] = fingerprint(checkpoint, model, planning_cfg, results.pop("episodes_sha256"))
    probe = getattr(model, "position_probe", None)
    decode = (lambda latents: probe(latents).detach() * model.hparams.state_scale) if probe is not None else None
    pixels_per_unit = getattr(getattr(world, "geometry", None), "pixels_per_unit", 1.0)  # the plot draws in pixels
    plot_trajectories(record, run_dir / "trajectories.png", cfg.protocol.success_radius * pixels_per_unit, decode=decode)
    episode_gif(record, run_dir / "episode.gif", decode)
    return results | guardrail_report


def planning_results(cfg: DictConfig, model: pl.LightningModule, world: World, trainer: pl.Trainer, run_dir: Path) -> dict[str, Any]:
    """The results.json entries of a trained world model: "env" (its name) and "planning" (``evaluate_and_record``'s
    results on the weights in memory, the last step's; {} when ``cfg.evaluate.planning`` is off)."""
    last = getattr(trainer.checkpoint_callback, "last_model_path", None)
    planning = evaluate_and_record(cfg, model, world, run_dir, last) if cfg.evaluate.planning else {}
    return {"env": world.name, "planning": planning}


def load_world_model(ckpt: str, world: World) -> tuple[pl.LightningModule, DictConfig, Path]:
    """The world model saved at ``ckpt`` (file or run dir), rebuilt from its run config, its run config and the
    checkpoint file; checks it fits ``world``."""
    path = Path(resolve_checkpoint(ckpt, key="ckpt"))
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    run_cfg = saved_run_config(path, checkpoint)
    if run_cfg is None or run_cfg.get("pipeline") != "world_model":
        raise ValueError(
            f"{path} is not a world-model checkpoint (its run config has pipeline={run_cfg.get('pipeline') if run_cfg else None!r}); "
            "train one with `python train.py experiment=two_rooms`"
        )
    trained_env = run_cfg.env.get("name", run_cfg.env.get("id"))
    if trained_env != world.name:
        raise ValueError(
            f"{path} was trained on env {trained_env!r}; planning in env {world.name!r} would mix worlds: pass env={trained_env}"
        )
    model = build_world_model(run_cfg, world)
    model.load_state_dict(checkpoint["state_dict"])
    return model.eval(), run_cfg, path


def world_model_parts(cfg: DictConfig) -> RunParts:
    """The world ``cfg.env``, its trajectory datamodule (``cfg.data``), the world model and its planning evaluation."""
    world = instantiate(cfg.env)
    datamodule = instantiate(cfg.data, world=world)
    model = build_world_model(cfg, world)
    return RunParts(datamodule, model, evaluate=lambda trainer, run_dir: planning_results(cfg, model, world, trainer, run_dir))
