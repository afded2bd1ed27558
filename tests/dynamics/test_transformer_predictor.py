"""The block-causal transformer predictor: shapes, causality over frames, rollout = teacher forcing on its own
predictions, it learns linear latent dynamics, and a world model trains and plans with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir
from omegaconf import open_dict

from worldmodels.cli.train import run_training
from worldmodels.dynamics import BlockCausalTransformerPredictor, GRUPredictor, ResidualMLPPredictor
from worldmodels.paths import CONFIG_DIR


def make_predictor(max_frames: int = 16, **kwargs: object) -> BlockCausalTransformerPredictor:
    torch.manual_seed(0)
    return BlockCausalTransformerPredictor(latent_dim=8, action_dim=2, width=32, depth=2, heads=4, max_frames=max_frames, **kwargs).eval()


def test_shapes_of_every_entry_point() -> None:
    predictor = make_predictor()
    latents, actions = torch.randn(3, 5, 8), torch.randn(3, 5, 2)
    assert predictor.teacher_forced(latents, actions).shape == (3, 5, 8)
    assert predictor(latents[:, 0], actions).shape == (3, 5, 8)
    assert predictor.step(latents[:, 0], actions[:, 0]).shape == (3, 8)
    assert predictor.attention_bias(5).shape == (4, 10, 10)


@pytest.mark.parametrize("max_frames", [16, 3])
def test_attention_is_block_causal_over_frames(max_frames: int) -> None:
    predictor = make_predictor(max_frames)
    latents, actions = torch.randn(2, 7, 8), torch.randn(2, 7, 2)
    base = predictor.teacher_forced(latents, actions)
    for t in (0, 3, 6):
        bump = torch.zeros(1, 7, 1)
        bump[:, t] = 1.0
        for out in (predictor.teacher_forced(latents + bump, actions), predictor.teacher_forced(latents, actions + bump)):
            assert torch.allclose(out[:, :t], base[:, :t], atol=1e-6), f"frame {t} leaked into earlier predictions"
            assert (out[:, t] - base[:, t]).abs().amax(dim=-1).min() > 1e-4, f"frame {t}'s own prediction ignores it"
    later = latents.clone()
    later[:, 1] += 1.0
    out = predictor.teacher_forced(later, actions)
    assert (out[:, 2] - base[:, 2]).abs().max() > 1e-4  # the history matters, not only the current frame
    if max_frames == 3:  # two layers of a 3-frame window see at most 2 · (3 − 1) = 4 frames back
        assert torch.allclose(out[:, 6], base[:, 6], atol=1e-6)


@pytest.mark.parametrize("max_frames", [16, 3, 1])
def test_rollout_is_teacher_forcing_on_its_own_predictions(max_frames: int) -> None:
    predictor = make_predictor(max_frames)
    z0, actions = torch.randn(4, 8), torch.randn(4, 9, 2)
    with torch.no_grad():
        rolled = predictor(z0, actions)
        one = predictor.teacher_forced(z0[:, None], actions[:, :1])[:, 0]
        assert torch.allclose(rolled[:, 0], one, atol=1e-5) and torch.allclose(predictor.step(z0, actions[:, 0]), one, atol=1e-5)
        history = torch.cat([z0[:, None], rolled[:, :-1]], dim=1)
        assert torch.allclose(predictor.teacher_forced(history, actions), rolled, atol=1e-5)
        assert torch.allclose(predictor(z0[:2], actions[:2, :4]), rolled[:2, :4], atol=1e-5)  # batched and prefix-consistent


def test_learns_linear_latent_dynamics() -> None:
    torch.manual_seed(0)
    dynamics = torch.randn(2, 8) * 0.5  # z_{t+1} = z_t + a_t W

    def batch(size: int = 64, frames: int = 6) -> tuple[torch.Tensor, torch.Tensor]:
        actions = torch.randn(size, frames, 2)
        latents = torch.randn(size, 1, 8) + torch.cat([torch.zeros(size, 1, 8), (actions @ dynamics).cumsum(dim=1)], dim=1)
        return latents, actions

    predictor = make_predictor(max_frames=6, residual=True).train()
    optimizer = torch.optim.Adam(predictor.parameters(), lr=3e-3)
    for _ in range(300):
        latents, actions = batch()
        loss = (predictor.teacher_forced(latents[:, :-1], actions) - latents[:, 1:]).square().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    latents, actions = batch(256)
    with torch.no_grad():
        teacher = (predictor.teacher_forced(latents[:, :-1], actions) - latents[:, 1:]).square().mean()
        rollout = (predictor(latents[:, 0], actions) - latents[:, 1:]).square().mean()
    baseline = (latents[:, :-1] - latents[:, 1:]).square().mean()  # predicting no change
    assert teacher < 0.005 * baseline and rollout < 0.02 * baseline, (teacher.item(), rollout.item(), baseline.item())


@pytest.mark.parametrize("cls", [GRUPredictor, ResidualMLPPredictor])
def test_markov_predictors_teacher_force_one_step_per_frame(cls: type) -> None:
    torch.manual_seed(0)
    predictor = cls(latent_dim=8, action_dim=2)
    latents, actions = torch.randn(3, 5, 8), torch.randn(3, 5, 2)
    expected = torch.stack([predictor.step(latents[:, t], actions[:, t]) for t in range(5)], dim=1)
    assert torch.allclose(predictor.teacher_forced(latents, actions), expected, atol=1e-6)


TINY = [
    "data.num_trajectories=12",
    "data.trajectory_length=20",
    "data.num_frames=9",
    "data.batch_size=8",
    "+trainer.max_steps=6",
    "trainer.log_every_n_steps=1",
    "model.rollout_steps=4",
    "protocol.episodes=2",
    "protocol.episodes_per_batch=2",
    "protocol.max_steps=4",
    "planner=flat",
    "solver=icem",
    "solver.samples=16",
    "solver.elites=4",
    "solver.iterations=2",
    "solver.horizon=4",
    "dynamics.width=32",
    "dynamics.depth=1",
    "dynamics.max_frames=8",
]


def test_world_model_trains_and_plans_with_the_transformer_predictor(tmp_path: Path) -> None:
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose(
            config_name="train", overrides=["experiment=two_rooms", "dynamics=transformer_ac", "logger=csv", "compile=false", *TINY]
        )
    with open_dict(cfg):
        cfg.paths.output_dir = str(tmp_path / "run")
        cfg.trainer.enable_progress_bar = False
        cfg.callbacks.pop("progress_bar", None)
    results = run_training(cfg, tmp_path / "run", [])
    saved = json.loads((tmp_path / "run" / "results.json").read_text())
    assert saved["steps"] == 6 and saved["planning"]["episodes"] == 2 and results["planning"] == saved["planning"]
    assert all(torch.isfinite(torch.tensor(v)) for k, v in saved["final_metrics"].items() if k.startswith(("train/", "val/")))
