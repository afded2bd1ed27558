"""worldmodels: Hydra + Lightning experiments for JEPA world models."""

__version__ = "0.1.0"
