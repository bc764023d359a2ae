import pytest

from inventory import Stock, StockError


def test_take_leaves_the_rest():
    stock = Stock()
    stock.add("bolt", 10)
    assert stock.take("bolt", 3) == 7


def test_cannot_take_more_than_there_is():
    stock = Stock()
    stock.add("nut", 2)
    with pytest.raises(StockError, match="only 2 nut left"):
        stock.take("nut", 5)
