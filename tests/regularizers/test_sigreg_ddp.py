"""SIGReg under 2-process gloo DDP equals SIGReg on the concatenated batch: same loss, same gradients."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel

from worldmodels.regularizers import SIGReg

WORLD, LOCAL_N, D_IN, D_OUT, STEP = 2, 48, 12, 10, 3


def make_model_and_data() -> tuple[torch.nn.Module, torch.Tensor]:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(D_IN, 32), torch.nn.Tanh(), torch.nn.Linear(32, D_OUT))
    data = torch.randn(WORLD * LOCAL_N, D_IN) * 1.5 + 0.3
    return model, data


def _worker(rank: int, init_file: str, out_dir: str) -> None:
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=WORLD)
    model, data = make_model_and_data()
    ddp = DistributedDataParallel(model)
    loss = SIGReg(num_slices=64)(ddp(data[rank * LOCAL_N : (rank + 1) * LOCAL_N]), step=STEP)
    loss.backward()
    torch.save({"loss": loss.detach(), "grads": [p.grad for p in model.parameters()]}, Path(out_dir) / f"rank{rank}.pt")
    dist.destroy_process_group()


@pytest.mark.slow
def test_ddp_loss_and_gradients_equal_single_process(tmp_path: Path) -> None:
    mp.spawn(_worker, args=(str(tmp_path / "init"), str(tmp_path)), nprocs=WORLD, join=True)
    model, data = make_model_and_data()
    loss = SIGReg(num_slices=64)(model(data), step=STEP)
    loss.backward()
    for rank in range(WORLD):
        result = torch.load(tmp_path / f"rank{rank}.pt", weights_only=True)
        torch.testing.assert_close(result["loss"], loss.detach(), rtol=1e-5, atol=1e-6)
        for ddp_grad, param in zip(result["grads"], model.parameters(), strict=True):
            torch.testing.assert_close(ddp_grad, param.grad, rtol=1e-4, atol=1e-6)
