"""A stock of items: what is on the shelves, and what may be taken out."""

from collections import Counter
from dataclasses import dataclass, field


class StockError(ValueError):
    """Taking out more than is there, or a negative quantity."""


@dataclass
class Stock:
    """Quantities by item name."""

    items: Counter[str] = field(default_factory=Counter)

    def add(self, name: str, quantity: int) -> None:
        if quantity < 0:
            raise StockError(f"cannot add a negative quantity of {name}: {quantity}")
        self.items[name] += quantity

    def take(self, name: str, quantity: int) -> int:
        """Takes `quantity` of `name` out and returns what is left."""
        available = self.items[name]
        if quantity > available:
            raise StockError(f"only {available} {name} left, {quantity} asked for")
        self.items[name] = available - quantity
        return self.items[name]
