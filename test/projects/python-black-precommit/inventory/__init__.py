"""Stock levels of a small warehouse."""

from inventory.stock import Stock, StockError

__all__ = ["Stock", "StockError"]
