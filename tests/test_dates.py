from __future__ import annotations

from datetime import date

import pytest

from geo.dates import find_dates

MONDAY = date(2020, 2, 17)  # publication day of seed 003, a Monday


def _one(text: str, published: date = MONDAY):
    (found,) = find_dates(text, published)
    return found


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("on November 20", date(2019, 11, 20), date(2019, 11, 20)),
    ("On October 20 afternoon", date(2019, 10, 20), date(2019, 10, 20)),
    ("launched on 9 October", date(2019, 10, 20), date(2019, 10, 9)),
    ("On February 12, Putin called", MONDAY, date(2020, 2, 12)),
    ("on 12th February 2019", MONDAY, date(2019, 2, 12)),
])
def test_day_and_month_take_the_publication_year(text, published, expected) -> None:
    found = _one(text, published)
    assert (found.date, found.basis) == (expected, "explicit")


def test_a_day_later_in_the_year_than_publication_is_last_year() -> None:
    assert _one("on December 30", date(2020, 1, 3)).date == date(2019, 12, 30)


@pytest.mark.parametrize(("text", "expected"), [
    ("three days ago", date(2020, 2, 14)),
    ("a week ago", date(2020, 2, 10)),
    ("2 weeks ago", date(2020, 2, 3)),
    ("yesterday", date(2020, 2, 16)),
    ("today", date(2020, 2, 17)),
    ("On Sunday", date(2020, 2, 16)),
    ("on Monday", date(2020, 2, 17)),
    ("on Friday", date(2020, 2, 14)),
])
def test_relative_days_count_back_from_publication(text, expected) -> None:
    found = _one(text)
    assert (found.date, found.basis) == (expected, "relative")


def test_last_week_is_the_week_before_with_its_range() -> None:
    found = _one("the establishment last week of control")
    assert found.date == date(2020, 2, 10)
    assert found.range == (date(2020, 2, 10), date(2020, 2, 16))


def test_spans_give_a_range_ending_at_publication() -> None:
    found = _one("clashes for more than a week", date(2019, 10, 20))
    assert found.range == (date(2019, 10, 13), date(2019, 10, 20))
    past = _one("over the past 24 hours")
    assert past.basis == "period" and past.range == (date(2020, 2, 16), date(2020, 2, 17))


def test_explicit_day_wins_over_its_weekday() -> None:
    assert [d.date for d in find_dates("On Monday, February 10, talks began", MONDAY)] == [
        date(2020, 2, 10)]


def test_earlier_in_the_day_refers_to_the_day_told_about() -> None:
    assert _one("Earlier in the day, troops moved").basis == "same day"


def test_a_date_after_publication_is_flagged() -> None:
    found = _one("on February 20 2020")
    assert found.after_published


def test_numbers_that_are_not_dates_are_ignored() -> None:
    assert find_dates("13 villages and 24 soldiers, 500 barrels", MONDAY) == []
