"""The JEPA objective under 2-process gloo DDP equals one process on the concatenated batch, after an optimizer step.

Each rank computes ``training_step`` on its half of a fixed batch; gradients are averaged over ranks (what DDP does)
and one SGD step is taken. SIGReg all-reduces its statistics, so the result must match a single process on the whole
batch. BatchNorm layers run in eval mode: with per-rank batch statistics no DDP run matches one process (use
``trainer.sync_batchnorm=true`` on GPUs); everything else in the objective is checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from hydra import compose, initialize_config_dir

from worldmodels.paths import CONFIG_DIR
from worldmodels.pipelines.pretrain import build_pretrainer

WORLD, LOCAL_BATCH, LR = 2, 8, 0.5
SMALL = ["encoder.widths=[8,16]", "projector.hidden_dim=32", "projector.out_dim=16", "seed=3"]
OBJECTIVES = {
    "sigreg": ["regularizer=sigreg", "regularizer.num_slices=32", "predictor=identity"],
    "ema": ["regularizer=ema", "predictor=mlp"],
}


def build(objective: str) -> tuple[torch.nn.Module, dict]:
    """The pretrainer of ``objective`` (seeded: the same weights everywhere) and a fixed batch of 2 × LOCAL_BATCH images."""
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose(config_name="train", overrides=[*SMALL, *OBJECTIVES[objective], "paths.output_dir=unused"])
    model = build_pretrainer(cfg, num_classes=10).eval()
    generator = torch.Generator().manual_seed(0)
    batch = {
        "views": {
            "global": torch.randn(2, WORLD * LOCAL_BATCH, 1, 28, 28, generator=generator),
            "local": torch.randn(2, WORLD * LOCAL_BATCH, 1, 12, 12, generator=generator),
        },
        "label": torch.randint(0, 10, (WORLD * LOCAL_BATCH,), generator=generator),
    }
    return model, batch


def one_step(model: torch.nn.Module, batch: dict, world: int) -> dict[str, torch.Tensor]:
    """training_step, gradients averaged over ``world`` ranks, one SGD step, the EMA update; returns the state."""
    loss = model.training_step(batch, 0)
    loss.backward()
    for param in model.parameters():
        if param.grad is not None and world > 1:
            dist.all_reduce(param.grad)
            param.grad /= world
    with torch.no_grad():
        for param in model.parameters():
            if param.grad is not None:
                param -= LR * param.grad
    model.regularizer.on_optimizer_step(0, 10)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _rank(rank: int, objective: str, init_file: str, out_dir: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=WORLD)
    model, batch = build(objective)
    half = slice(rank * LOCAL_BATCH, (rank + 1) * LOCAL_BATCH)
    local = {"views": {k: v[:, half] for k, v in batch["views"].items()}, "label": batch["label"][half]}
    torch.save(one_step(model, local, WORLD), Path(out_dir) / f"rank{rank}.pt")
    dist.destroy_process_group()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:You are trying to `self.log")
@pytest.mark.parametrize("objective", sorted(OBJECTIVES))
def test_one_ddp_step_equals_one_step_on_the_whole_batch(objective: str, tmp_path: Path) -> None:
    mp.spawn(_rank, args=(objective, str(tmp_path / "init"), str(tmp_path)), nprocs=WORLD, join=True)
    model, batch = build(objective)
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    expected = one_step(model, batch, 1)
    first_conv = "network.encoder.features.0.weight"
    assert not torch.equal(expected[first_conv], initial[first_conv])  # the step moved the encoder
    for rank in range(WORLD):
        state = torch.load(tmp_path / f"rank{rank}.pt", weights_only=True)
        for key, value in expected.items():
            torch.testing.assert_close(state[key], value, rtol=1e-4, atol=1e-5, msg=lambda m, key=key: f"{key}: {m}")
