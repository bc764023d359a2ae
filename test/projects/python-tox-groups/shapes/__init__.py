"""Areas of simple shapes."""

from shapes.area import rectangle, triangle

__all__ = ["rectangle", "triangle"]
