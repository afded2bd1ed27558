"""A string where a ``_target_`` takes only numbers or booleans fails before anything is built, naming the key; every
shipped experiment passes the check."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Optional, Union

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig, OmegaConf

from worldmodels.paths import CONFIG_DIR
from worldmodels.runs.config_types import ConfigTypeError, check_target_types, numeric_only

EXPERIMENTS = sorted(p.stem for p in (Path(CONFIG_DIR) / "experiment").glob("*.yaml"))


def train_config(*overrides: str) -> DictConfig:
    """conf/train.yaml composed with ``overrides``."""
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose(config_name="train", overrides=list(overrides))


@pytest.mark.parametrize("experiment", [None, *EXPERIMENTS])
def test_every_experiment_passes(experiment: str | None) -> None:
    check_target_types(train_config(*([f"experiment={experiment}"] if experiment else [])))


def test_a_string_for_an_int_names_the_key_value_type_and_target() -> None:
    with pytest.raises(ConfigTypeError, match=r"trainer\.max_epochs='abc'.*pytorch_lightning\.Trainer.*int or null"):
        check_target_types(train_config("trainer.max_epochs=abc"))
    with pytest.raises(ConfigTypeError, match=r"trainer\.max_epochs='fmnist_sigreg'"):  # interpolations are resolved first
        check_target_types(train_config("trainer.max_epochs=${name}"))
    with pytest.raises(ConfigTypeError, match=r"callbacks\.periodic_checkpoint\.every_n_train_steps='often'"):
        check_target_types(train_config("callbacks.periodic_checkpoint.every_n_train_steps=often"))


def test_flexible_hints_interpolations_ints_for_floats_and_lists_pass() -> None:
    check_target_types(
        train_config(
            "trainer.devices=auto",
            "trainer.precision=bf16-mixed",
            "+trainer.max_time=00:00:01:00",
            "trainer.deterministic=warn",
            "+trainer.val_check_interval=0.5",
            "trainer.max_epochs=${seed}",
            "model.lr=1",
            "trainer.gradient_clip_val=2",
            "encoder.widths=[8,16]",
        )
    )


def test_unimportable_targets_and_unresolvable_values_are_left_to_instantiation() -> None:
    check_target_types(
        OmegaConf.create(
            {
                "a": {"_target_": "no.such.Thing", "n": "abc"},
                "b": {"_target_": "pytorch_lightning.Trainer", "max_epochs": "${hydra:runtime.num}"},
            }
        )
    )
    with pytest.raises(ConfigTypeError, match=r"items\.0\.every_n_epochs='x'"):  # nodes inside lists are walked
        check_target_types(
            OmegaConf.create({"items": [{"_target_": "pytorch_lightning.callbacks.ModelCheckpoint", "every_n_epochs": "x"}]})
        )


HINTS = [  # spelled as Lightning spells them (typing.Optional and typing.Union), and the | form
    (int, True),
    (Optional[float], True),  # noqa: UP045
    (Union[int, float, None], True),  # noqa: UP007
    (int | None, True),
    (bool, True),
    (Union[int, str], False),  # noqa: UP007
    (list[int], False),
    (Literal[16, 32], False),
    (Any, False),
    (str, False),  # noqa: UP007
    (Optional[Union[int, float, str]], False),  # noqa: UP007, UP045
]


@pytest.mark.parametrize(("hint", "expected"), HINTS)
def test_numeric_only_admits_nothing_but_numbers_and_booleans(hint: Any, expected: bool) -> None:
    assert numeric_only(hint) is expected
