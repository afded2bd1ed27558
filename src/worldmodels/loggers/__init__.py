"""Logger factories for conf/logger (W&B offline fallback); Lightning's loggers do the logging."""

from worldmodels.loggers.wandb import finish, has_wandb_credentials, wandb_logger

__all__ = ["finish", "has_wandb_credentials", "wandb_logger"]
