"""The simulated brand "Maison Démo": channel exports with their mess, and the ground truth.

Public surface: `generate(out_dir, scale, seed)`, `parse_scale`, `PRESETS`.
"""

from omnicanal.simulation.runner import Manifest, generate
from omnicanal.simulation.scale import PRESETS, Scale, parse_scale

__all__ = ["PRESETS", "Manifest", "Scale", "generate", "parse_scale"]
