"""Environments: Two Rooms and Wall (registered with gymnasium), a pixel-observation view of any gym id, and PointMaze.

``PointMazeWorld`` imports gymnasium-robotics and mujoco (the ``maze`` extra) only when it is built.
"""

import gymnasium as gym

from worldmodels.envs.point_maze import PointMazeBatch, PointMazeWorld
from worldmodels.envs.policies import HeadingRandomWalk
from worldmodels.envs.rooms import TWO_ROOMS, WALL, RoomsGeometry
from worldmodels.envs.rooms_batch import RoomsBatch
from worldmodels.envs.two_rooms import RoomsEnv, TwoRoomsEnv, WallEnv
from worldmodels.envs.worlds import GymPixelsWorld, RoomsWorld

for _id, _entry in (("worldmodels/TwoRooms-v0", TwoRoomsEnv), ("worldmodels/Wall-v0", WallEnv)):
    if _id not in gym.registry:
        gym.register(id=_id, entry_point=_entry, max_episode_steps=200)

__all__ = ["TWO_ROOMS", "WALL", "GymPixelsWorld", "HeadingRandomWalk", "PointMazeBatch", "PointMazeWorld", "RoomsBatch", "RoomsEnv", "RoomsGeometry", "RoomsWorld", "TwoRoomsEnv", "WallEnv"]  # fmt: skip
