"""Environments: Two Rooms, Wall and Grid Rooms (registered with gymnasium), a pixel-observation view of any gym id, and PointMaze.

``PointMazeWorld`` imports gymnasium-robotics and mujoco (the ``maze`` extra) only when it is built.
"""

import gymnasium as gym

from worldmodels.envs.grid_rooms import GridRoomsBatch, GridRoomsGeometry
from worldmodels.envs.point_maze import PointMazeBatch, PointMazeWorld
from worldmodels.envs.policies import HeadingRandomWalk
from worldmodels.envs.rooms import TWO_ROOMS, WALL, RoomsGeometry
from worldmodels.envs.rooms_batch import RoomsBatch
from worldmodels.envs.two_rooms import GridRoomsEnv, RoomsEnv, TwoRoomsEnv, WallEnv
from worldmodels.envs.worlds import GridRoomsWorld, GymPixelsWorld, RoomsWorld

for _id, _entry, _steps in (
    ("worldmodels/TwoRooms-v0", TwoRoomsEnv, 200),
    ("worldmodels/Wall-v0", WallEnv, 200),
    ("worldmodels/GridRooms-v0", GridRoomsEnv, 300),
):
    if _id not in gym.registry:
        gym.register(id=_id, entry_point=_entry, max_episode_steps=_steps)

__all__ = [
    "TWO_ROOMS",
    "WALL",
    "GridRoomsBatch",
    "GridRoomsEnv",
    "GridRoomsGeometry",
    "GridRoomsWorld",
    "GymPixelsWorld",
    "HeadingRandomWalk",
    "PointMazeBatch",
    "PointMazeWorld",
    "RoomsBatch",
    "RoomsEnv",
    "RoomsGeometry",
    "RoomsWorld",
    "TwoRoomsEnv",
    "WallEnv",
]
