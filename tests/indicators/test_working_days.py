"""Working days per nation, against hand-counted calendars (bank holidays from gov.uk)."""

import pandas as pd
import pytest

from analysis.methods.working_days import WorkingDays

T = pd.Timestamp
ENG, SCT, WLS = WorkingDays("england"), WorkingDays("scotland"), WorkingDays("wales")


def test_easter_2024():
    # Received Thu 28 Mar 2024. Good Friday 29 Mar is a holiday everywhere; Easter Monday
    # 1 Apr only in England and Wales. England: Tue 2 (1), Wed 3 (2), Thu 4 (3).
    # Scotland: Mon 1 (1), Tue 2 (2), Wed 3 (3).
    assert ENG.deadline(T("2024-03-28"), 3) == T("2024-04-04")
    assert WLS.deadline(T("2024-03-28"), 3) == T("2024-04-04")
    assert SCT.deadline(T("2024-03-28"), 3) == T("2024-04-03")
    assert ENG.elapsed(T("2024-03-28"), T("2024-04-04")) == 3
    assert SCT.elapsed(T("2024-03-28"), T("2024-04-04")) == 4


def test_christmas_and_new_year_2024():
    # Received Mon 23 Dec 2024; 25, 26 Dec and 1 Jan are holidays, 2 Jan too in Scotland.
    # England: Tue 24 (1), Fri 27 (2), Mon 30 (3), Tue 31 (4), Thu 2 Jan (5).
    # Scotland: ... Tue 31 (4), Fri 3 Jan (5).
    assert ENG.deadline(T("2024-12-23"), 5) == T("2025-01-02")
    assert SCT.deadline(T("2024-12-23"), 5) == T("2025-01-03")


def test_st_andrews_day():
    # Thu 30 Nov 2023 is St Andrew's Day (Scotland only). Received Wed 29 Nov:
    # Scotland: Fri 1 Dec (1), Mon 4 (2), Tue 5 (3); England: Thu 30 (1), Fri 1 (2), Mon 4 (3).
    assert SCT.deadline(T("2023-11-29"), 3) == T("2023-12-05")
    assert ENG.deadline(T("2023-11-29"), 3) == T("2023-12-04")
    assert SCT.elapsed(T("2023-11-29"), T("2023-12-05")) == 3
    assert ENG.elapsed(T("2023-11-29"), T("2023-12-05")) == 4
    # In 2024 it fell on a Saturday: the substitute day is Monday 2 December.
    assert not SCT.is_working_day(T("2024-12-02"))
    assert ENG.is_working_day(T("2024-12-02"))


def test_twenty_and_twenty_five_working_days_over_christmas():
    # Received Mon 2 Dec 2024. England, counting: 3-6 Dec (4), 9-13 (9), 16-20 (14),
    # 23-24 (16), 27 (17), 30-31 (19), 2-3 Jan (21), 6-9 Jan (25) → Thu 9 Jan 2025.
    assert ENG.deadline(T("2024-12-02"), 25) == T("2025-01-09")
    # Scotland (2 Dec is St Andrew's Day observed; 2 Jan a holiday): ... 30-31 Dec (19),
    # Fri 3 Jan (20) → the stage 2 limit falls on 3 Jan 2025.
    assert SCT.deadline(T("2024-12-02"), 20) == T("2025-01-03")


def test_received_at_a_weekend():
    # Received Sat 6 Jan 2024: Mon 8 (1), Tue 9 (2), Wed 10 (3).
    assert ENG.deadline(T("2024-01-06"), 3) == T("2024-01-10")
    assert ENG.elapsed(T("2024-01-06"), T("2024-01-10")) == 3


def test_vectorised_with_missing_dates():
    start = pd.Series(pd.to_datetime(["2024-03-28", "2024-03-28", None]))
    end = pd.Series(pd.to_datetime(["2024-04-04", None, "2024-04-04"]))
    out = ENG.elapsed(start, end)
    assert out.iloc[0] == 3 and out.iloc[1:].isna().all()


def test_unknown_nation_is_a_clear_error():
    with pytest.raises(ValueError, match="no working-day calendar for nation 'france'"):
        WorkingDays("france")
