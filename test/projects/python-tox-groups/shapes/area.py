"""Areas of rectangles and triangles, refusing negative sides."""


def rectangle(width: float, height: float) -> float:
    if width < 0 or height < 0:
        raise ValueError("sides must not be negative")
    return width * height


def triangle(base: float, height: float) -> float:
    return rectangle(base, height) / 2
