"""Rows straight from the database: their dates into numpy, exactly."""

from datetime import date

import numpy as np

from guatu.common.rows import day_array


def test_day_array_reads_dates_strings_and_none_as_numpy_would():
    values = [date(2019, 11, 15), None, date(1969, 12, 31), date(2020, 2, 29)]
    expected = np.array(values, dtype="datetime64[D]")
    assert (day_array(values).astype(str) == expected.astype(str)).all()
    strings = ["2019-11-15", "2020-02-29"]
    assert (day_array(strings) == np.array(strings, dtype="datetime64[D]")).all()
    assert day_array([]).dtype == np.dtype("datetime64[D]")
