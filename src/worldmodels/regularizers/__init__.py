"""Collapse prevention: SIGReg (Epps–Pulley on random slices), VICReg, EMA teacher, none; and diagnostics."""

from worldmodels.regularizers.base import Regularizer
from worldmodels.regularizers.diagnostics import embedding_std, rankme
from worldmodels.regularizers.dynamics import DynamicsRegularizer
from worldmodels.regularizers.ema import EMATeacher
from worldmodels.regularizers.none import NoRegularizer
from worldmodels.regularizers.sigreg import EppsPulley, SIGReg, SlicingUnivariateTest, random_directions
from worldmodels.regularizers.sigreg_regularizer import SIGRegRegularizer
from worldmodels.regularizers.vicreg import VICRegRegularizer

__all__ = [
    "DynamicsRegularizer",
    "EMATeacher",
    "EppsPulley",
    "NoRegularizer",
    "Regularizer",
    "SIGReg",
    "SIGRegRegularizer",
    "SlicingUnivariateTest",
    "VICRegRegularizer",
    "embedding_std",
    "random_directions",
    "rankme",
]
