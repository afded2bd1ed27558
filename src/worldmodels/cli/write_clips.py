"""`worldmodels write-clips data=moving_fmnist count=4`: write a few clips of a video datamodule as mp4 files."""

from __future__ import annotations

from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from omegaconf import DictConfig

from worldmodels.data.video_writer import write_video
from worldmodels.paths import CONFIG_DIR


def write_clips(cfg: DictConfig, output_dir: Path) -> list[Path]:
    """The first ``cfg.count`` clips of ``cfg.split`` as ``clip_<i>_label<k>.mp4`` in ``output_dir``."""
    datamodule = instantiate(cfg.data)
    dataset = datamodule.load_split(cfg.split, cfg.count)
    paths = []
    for index in range(min(cfg.count, len(dataset))):
        clip, label = dataset[index]  # uint8 (C, T, H, W)
        frames = clip.permute(1, 2, 3, 0)  # (T, H, W, C)
        paths.append(
            write_video(
                output_dir / f"clip_{index:03d}_label{label}.mp4",
                frames[..., 0] if frames.shape[-1] == 1 else frames,
                fps=cfg.fps,
                scale=cfg.scale,
            )
        )
    print(f"wrote {len(paths)} clips to {output_dir}")
    return paths


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="write_clips")
def main(cfg: DictConfig) -> None:
    write_clips(cfg, Path(HydraConfig.get().runtime.output_dir))
