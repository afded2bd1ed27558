"""Run speed settings: thread count and in-place compilation of the networks."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from worldmodels.runs.runtime import compile_networks, set_threads


class Pipeline(nn.Module):
    """A stand-in LightningModule: networks to compile, a regularizer and a probe to leave alone."""

    def __init__(self) -> None:
        super().__init__()
        self.network = nn.Module()
        self.network.encoder = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
        self.network.encoder.head = nn.Linear(8, 8)  # inside the encoder: compiled with it, not on its own
        self.network.projector = nn.Linear(8, 3)
        self.predictor = nn.Linear(3, 3)
        self.regularizer = nn.Module()
        self.regularizer.predictor = nn.Linear(3, 3)
        self.probe = nn.Linear(8, 2)


def test_compile_networks_in_place_keeps_names_and_outputs() -> None:
    module = Pipeline()
    keys = list(module.state_dict())
    x = torch.randn(5, 4)
    expected = module.predictor(module.network.projector(module.network.encoder(x)))
    compiled = compile_networks(module, backend="eager")
    assert compiled == ["network.encoder", "network.projector", "predictor"]
    assert list(module.state_dict()) == keys
    torch.testing.assert_close(module.predictor(module.network.projector(module.network.encoder(x))), expected)


def test_set_threads() -> None:
    before = torch.get_num_threads()
    set_threads(None)
    assert torch.get_num_threads() == before
    set_threads(1)
    assert torch.get_num_threads() == 1
    set_threads(before)
    with pytest.raises(ValueError, match="positive"):
        set_threads(0)
