import pytest
from hypothesis import given
from hypothesis import strategies as st

from shapes import rectangle, triangle


def test_rectangle():
    assert rectangle(3, 4) == 12


def test_negative_side():
    with pytest.raises(ValueError):
        rectangle(-1, 2)


@pytest.mark.property
@given(st.floats(min_value=0, max_value=1e6), st.floats(min_value=0, max_value=1e6))
def test_triangle_is_half_the_rectangle(base, height):
    assert triangle(base, height) == rectangle(base, height) / 2


def test_bench_rectangle(benchmark):
    assert benchmark(rectangle, 3, 4) == 12
