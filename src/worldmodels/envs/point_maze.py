"""PointMaze (gymnasium-robotics, MuJoCo) observed from above: a world for collection, training and goal-reaching.

The optional extra ``pip install -e ".[maze]"`` provides ``gymnasium-robotics`` and ``mujoco``; this module imports
them only when a world is built, so ``worldmodels.envs`` works without them. Headless machines render through EGL:
``MUJOCO_GL=egl`` is set unless the user chose a backend.

Frames: the maze frame is MuJoCo's (x right, y up, the maze centred on the origin, one cell = ``maze_size_scaling``);
the pixel frame is the observation's (x = column, y = row, pixel i covers [i − 0.5, i + 0.5], as in Two Rooms). An
orthographic camera looks straight down on the maze, so the two frames differ by a scale and a shift
(``MazeGeometry.to_pixels`` / ``to_maze``). Positions that training and plots use (``states``, ``pos``, ``goal``) are
pixels; success is judged on the maze-frame distance (``distance_to_goal``; gymnasium-robotics uses 0.45).
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np
import torch

INSTALL_HINT = (
    'env=point_maze needs the optional extra: pip install -e ".[maze]" (gymnasium-robotics and mujoco); '
    "on a headless machine MuJoCo renders through EGL: export MUJOCO_GL=egl (the default here when unset)"
)


def import_mujoco() -> Any:
    """``mujoco`` with the gymnasium-robotics ids registered; a clear error naming the extra when either is missing."""
    os.environ.setdefault("MUJOCO_GL", "egl")  # before mujoco is imported: the only backend that works headless here
    logging.getLogger("OpenGL.acceleratesupport").setLevel(logging.WARNING)  # PyOpenGL's INFO line on every import
    try:
        import gymnasium_robotics
        import mujoco
    except ImportError as error:
        raise ImportError(f"{INSTALL_HINT} ({error})") from error
    gym.register_envs(gymnasium_robotics)
    return mujoco


@dataclass(frozen=True)
class MazeGeometry:
    """A maze map and the top-down view of it: the scale and shift between maze-frame and pixel coordinates."""

    maze_map: tuple[tuple[Any, ...], ...]
    scaling: float  # maze units per cell
    size: int  # image side in pixels

    @property
    def extent(self) -> float:
        """Maze units across the image: the longer side of the maze (the shorter one is padded with floor)."""
        return max(len(self.maze_map), len(self.maze_map[0])) * self.scaling

    @property
    def pixels_per_unit(self) -> float:
        return self.size / self.extent

    def to_pixels(self, xy: torch.Tensor) -> torch.Tensor:
        """Maze-frame (..., 2) -> pixel (column, row) (..., 2); the maze centre is the image centre."""
        centre = (self.size - 1) / 2
        return torch.stack([centre + xy[..., 0] * self.pixels_per_unit, centre - xy[..., 1] * self.pixels_per_unit], dim=-1)

    def to_maze(self, pixels: torch.Tensor) -> torch.Tensor:
        """Pixel (column, row) (..., 2) -> maze-frame (x, y) (..., 2)."""
        centre = (self.size - 1) / 2
        return torch.stack([(pixels[..., 0] - centre) / self.pixels_per_unit, (centre - pixels[..., 1]) / self.pixels_per_unit], dim=-1)

    def wall_image(self) -> torch.Tensor:
        """(size, size) uint8, 255 on pixels whose centre lies in a wall cell or outside the map (plot background)."""
        coords = torch.arange(self.size, dtype=torch.float32)
        xy = self.to_maze(torch.stack(torch.meshgrid(coords, coords, indexing="xy"), dim=-1))  # (row, column, 2)
        rows, cols = len(self.maze_map), len(self.maze_map[0])
        i = torch.floor(rows / 2 - xy[..., 1] / self.scaling).long()  # gymnasium-robotics' Maze.cell_xy_to_rowcol
        j = torch.floor(xy[..., 0] / self.scaling + cols / 2).long()
        inside = (i >= 0) & (i < rows) & (j >= 0) & (j < cols)
        walls = torch.tensor([[cell == 1 for cell in row] for row in self.maze_map])
        blocked = ~inside | walls[i.clamp(0, rows - 1), j.clamp(0, cols - 1)]
        return (blocked * 255).to(torch.uint8)


class PointMazeWorld:
    """A gymnasium-robotics ``PointMaze_*`` maze seen from above as RGB ``image_size`` × ``image_size`` frames.

    One world step holds the action (the ball's force, in [−1, 1]²) for ``frame_skip`` MuJoCo steps of 0.01 s.
    Collection draws starts from the env's own seeded reset and uniform random actions, each held for
    ``action_repeat`` steps so that the ball builds up speed; ``states`` are the ball's pixel positions (the
    position probe's targets, as in Two Rooms) and ``maze_xy`` its maze-frame positions. ``episodes()`` gives
    goal-reaching batches (``PointMazeBatch``).
    """

    def __init__(
        self,
        name: str = "point_maze",
        id: str = "PointMaze_UMaze-v3",
        image_size: int = 64,
        max_action: float = 1.0,
        frame_skip: int = 5,
        action_repeat: int = 2,
        min_goal_distance: float = 1.5,
        success_radius: float = 0.45,
        collect_chunk: int = 64,
        env_kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.mujoco = import_mujoco()
        self.name, self.gym_id = name, id
        self.image_size, self.frame_skip, self.action_repeat = int(image_size), int(frame_skip), int(action_repeat)
        self.min_goal_distance, self.success_radius = float(min_goal_distance), float(success_radius)
        self.collect_chunk = int(collect_chunk)
        if min(self.frame_skip, self.action_repeat, self.collect_chunk) < 1:
            raise ValueError(f"frame_skip, action_repeat, collect_chunk must be >= 1: {frame_skip}, {action_repeat}, {collect_chunk}")
        self.env_kwargs = dict(env_kwargs or {})
        try:
            self.env = gym.make(id, **self.env_kwargs).unwrapped  # no wrappers: no time limit, no goal resampling
        except gym.error.Error as error:
            raise ValueError(f"cannot make {id!r}: {error}; PointMaze ids: PointMaze_UMaze-v3, PointMaze_Medium-v3, ...") from error
        with contextlib.suppress(AttributeError, OSError):  # the maze XML gymnasium-robotics leaves in the temp dir
            os.remove(self.env.tmp_xml_file_path)
        if not hasattr(self.env, "point_env"):
            raise ValueError(f"{id} is not a PointMaze env (its state is not a point's (x, y)); use a PointMaze_*-v3 id")
        high = float(np.abs(self.env.action_space.high).min())
        if not 0 < max_action <= high:
            raise ValueError(f"max_action={max_action} must lie in (0, {high}]: the ball's force box is [-{high}, {high}]^2")
        self.max_action = float(max_action)
        self.action_low, self.action_high = -np.full(2, self.max_action, np.float32), np.full(2, self.max_action, np.float32)
        maze = self.env.maze
        self.geometry = MazeGeometry(tuple(tuple(row) for row in maze.maze_map), float(maze.maze_size_scaling), self.image_size)
        self.model = self.env.model
        self._renderer: Any = None
        self._camera: Any = None

    @property
    def action_dim(self) -> int:
        return 2

    @property
    def obs_shape(self) -> tuple[int, int, int]:
        return (3, self.image_size, self.image_size)

    def episodes(self) -> PointMazeBatch:
        """An empty batch of goal-reaching episodes (start and goal from the env's seeded reset)."""
        return PointMazeBatch(self)

    # --- simulation -------------------------------------------------------------------------------------------

    def new_state(self, xy: np.ndarray) -> Any:
        """A fresh ``MjData`` with the ball at rest at maze-frame ``xy`` (2,)."""
        mujoco = self.mujoco
        data = mujoco.MjData(self.model)
        data.qpos[:2] = xy
        data.qvel[:] = 0.0
        mujoco.mj_forward(self.model, data)
        return data

    def reset_pair(self, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """Start and goal (maze frame, (2,) each) as the env's own reset draws them with ``seed``."""
        self.env.reset(seed=seed)
        return self.env.data.qpos[:2].copy(), self.env.goal.copy()

    def advance(self, data: Any, action: np.ndarray) -> None:
        """One world step of ``data``: ``frame_skip`` steps of gymnasium-robotics' ``PointEnv.step`` holding ``action``.

        ``PointEnv.step`` clips the action to the force box and the velocity to [−5, 5] (``set_state``: qpos, qvel,
        ``mj_forward``) before one ``mj_step``; the same here on the episode's own ``MjData`` (tests check equality).
        """
        mujoco, ctrl = self.mujoco, np.clip(action, -1.0, 1.0)
        for _ in range(self.frame_skip):
            np.clip(data.qvel, -5.0, 5.0, out=data.qvel)
            mujoco.mj_forward(self.model, data)
            data.ctrl[:] = ctrl
            mujoco.mj_step(self.model, data)
            mujoco.mj_rnePostConstraint(self.model, data)

    # --- rendering --------------------------------------------------------------------------------------------

    def _setup_renderer(self) -> None:
        mujoco, model = self.mujoco, self.model
        model.site_rgba[mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_SITE, "target"), 3] = 0.0  # hide the goal marker
        model.vis.global_.fovy = self.geometry.extent  # orthographic: the view's height in maze units
        model.vis.global_.ipd = 0.0  # no stereo offset: the camera sits exactly above the maze centre
        model.vis.global_.offwidth = max(model.vis.global_.offwidth, self.image_size)
        model.vis.global_.offheight = max(model.vis.global_.offheight, self.image_size)
        try:
            self._renderer = mujoco.Renderer(model, self.image_size, self.image_size)
        except Exception as error:  # the GL backend's own error types differ (EGL, OSMesa, GLFW)
            raise RuntimeError(
                f"MuJoCo cannot render offscreen with MUJOCO_GL={os.environ.get('MUJOCO_GL')!r} ({error}); "
                "headless machines need MUJOCO_GL=egl and libEGL (set it before Python imports mujoco)"
            ) from error
        for flag in (mujoco.mjtRndFlag.mjRND_SHADOW, mujoco.mjtRndFlag.mjRND_REFLECTION, mujoco.mjtRndFlag.mjRND_SKYBOX):
            self._renderer.scene.flags[flag] = 0
        camera = mujoco.MjvCamera()
        camera.type = mujoco.mjtCamera.mjCAMERA_FREE
        camera.lookat[:] = (0.0, 0.0, 0.0)
        camera.distance = 2 * self.geometry.extent + 1.0
        camera.elevation, camera.azimuth, camera.orthographic = -90.0, 90.0, 1  # straight down, x right, y up
        self._camera = camera

    def render(self, data: Any) -> torch.Tensor:
        """The top-down frame of ``data``: (3, S, S) uint8, ball visible, goal marker hidden."""
        if self._renderer is None:
            self._setup_renderer()
        self._renderer.update_scene(data, self._camera)
        return torch.from_numpy(self._renderer.render().copy()).permute(2, 0, 1).contiguous()

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
        self.env.close()

    # --- data -------------------------------------------------------------------------------------------------

    def collect(self, num_trajectories: int, length: int, generator: torch.Generator) -> dict[str, np.ndarray]:
        """Random-action trajectories: obs (N, L + 1, 3, S, S) uint8, actions (N, L, 2), states (pixels) and maze_xy (N, L + 1, 2)."""
        obs, actions, maze_xy = [], [], []
        for begin in range(0, num_trajectories, self.collect_chunk):
            batch = self.episodes()
            batch.reset(min(self.collect_chunk, num_trajectories - begin), generator, different_rooms=False)
            draws = -(-length // self.action_repeat)
            held = (2 * torch.rand(len(batch), draws, 2, generator=generator) - 1) * self.max_action
            chunk_actions = held.repeat_interleave(self.action_repeat, dim=1)[:, :length]
            frames, path = [batch.observation()], [batch.xy.clone()]
            for t in range(length):
                batch.step(chunk_actions[:, t])
                frames.append(batch.observation())
                path.append(batch.xy.clone())
            obs.append(torch.stack(frames, dim=1))
            actions.append(chunk_actions)
            maze_xy.append(torch.stack(path, dim=1))
        xy = torch.cat(maze_xy)
        return {
            "obs": torch.cat(obs).numpy(),
            "actions": torch.cat(actions).numpy().astype(np.float32),
            "states": self.geometry.to_pixels(xy).numpy().astype(np.float32),
            "maze_xy": xy.numpy().astype(np.float32),
        }

    def metadata(self) -> dict[str, Any]:
        return {
            "env": self.name,
            "gym_id": self.gym_id,
            "policy": "uniform_random",
            "image_size": self.image_size,
            "frame_skip": self.frame_skip,
            "action_repeat": self.action_repeat,
            "max_action": self.max_action,
            "pixels_per_unit": self.geometry.pixels_per_unit,
            "states": "ball (column, row) in pixels of the observation; maze_xy: ball (x, y) in the maze frame",
        }


class PointMazeBatch:
    """B goal-reaching episodes, each its own MuJoCo ``MjData`` on the world's model, stepped together.

    ``reset`` draws each episode's start and goal from the env's own reset, seeded from ``generator``; with
    ``different_rooms`` (the protocol's flag; a maze has no rooms) pairs closer than ``world.min_goal_distance``
    (maze units) are redrawn. The goal image is the maze rendered with the ball at rest on the goal (the red goal
    marker is hidden), so start and goal images differ only where the ball is. ``pos``, ``goal`` and ``walls``
    are in the pixel frame of the observation (for plots); ``xy``, ``goal_xy`` and ``distance_to_goal`` in the
    maze frame (success: distance below ``world.success_radius``, 0.45 in gymnasium-robotics).
    """

    def __init__(self, world: PointMazeWorld) -> None:
        self.world = world
        self.states: list[Any] = []
        self.goal_xy = torch.zeros(0, 2)
        self.walls = torch.zeros(0, world.image_size, world.image_size, dtype=torch.uint8)

    def __len__(self) -> int:
        return len(self.states)

    def reset(self, num_episodes: int, generator: torch.Generator, different_rooms: bool = True, max_draws: int = 1000) -> None:
        """New episodes; with ``different_rooms`` start and goal are at least ``world.min_goal_distance`` apart."""
        starts, goals = [], []
        for _ in range(num_episodes):
            for _ in range(max_draws):
                start, goal = self.world.reset_pair(int(torch.randint(2**31 - 1, (1,), generator=generator)))
                if not different_rooms or np.linalg.norm(start - goal) >= self.world.min_goal_distance:
                    break
            else:
                raise ValueError(
                    f"no start-goal pair of {self.world.gym_id} at least min_goal_distance={self.world.min_goal_distance} apart "
                    f"in {max_draws} resets; lower env.min_goal_distance"
                )
            starts.append(start)
            goals.append(goal)
        self.states = [self.world.new_state(start) for start in starts]
        self.goal_xy = torch.as_tensor(np.array(goals), dtype=torch.float32).reshape(-1, 2)
        self.walls = self.world.geometry.wall_image().expand(num_episodes, -1, -1).clone()

    def layouts(self) -> dict[str, torch.Tensor]:
        """Each episode's layout parameters: none (one fixed maze)."""
        return {}

    @property
    def xy(self) -> torch.Tensor:
        """(B, 2) the balls' maze-frame positions."""
        return torch.as_tensor(np.array([data.qpos[:2] for data in self.states]), dtype=torch.float32).reshape(-1, 2)

    @property
    def pos(self) -> torch.Tensor:
        """(B, 2) the balls' positions in pixels of the observation (column, row)."""
        return self.world.geometry.to_pixels(self.xy)

    @property
    def goal(self) -> torch.Tensor:
        """(B, 2) the goals in pixels of the observation (column, row)."""
        return self.world.geometry.to_pixels(self.goal_xy)

    def step(self, action: torch.Tensor) -> torch.Tensor:
        """Actions (B, 2) -> new pixel positions (B, 2); each episode holds its action for ``frame_skip`` MuJoCo steps."""
        actions = action.detach().cpu().double().numpy()
        for data, act in zip(self.states, actions, strict=True):
            self.world.advance(data, act)
        return self.pos

    def observation(self) -> torch.Tensor:
        """Current frames (B, 3, S, S) uint8."""
        return torch.stack([self.world.render(data) for data in self.states])

    def goal_observation(self) -> torch.Tensor:
        """Goal frames (B, 3, S, S) uint8: the same maze with the ball at rest on the goal."""
        return torch.stack([self.world.render(self.world.new_state(goal.double().numpy())) for goal in self.goal_xy])

    def distance_to_goal(self) -> torch.Tensor:
        """(B,) maze-frame Euclidean distance between the ball and its goal."""
        return (self.xy - self.goal_xy).norm(dim=-1)

    def success(self, radius: float | None = None) -> torch.Tensor:
        """(B,) bool: maze-frame distance below ``radius`` (default ``world.success_radius``)."""
        return self.distance_to_goal() < (self.world.success_radius if radius is None else radius)


__all__ = ["INSTALL_HINT", "MazeGeometry", "PointMazeBatch", "PointMazeWorld", "import_mujoco"]
