"""Time expressions (SPEC §3): every form, and the errors a coordinator sees."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstage_sched.domain import TimeRule
from backstage_sched.errors import InputError
from backstage_sched.inputs.timeexpr import covers, parse_rules, parse_time, weekday_index


def one(text: str) -> TimeRule:
    (rule,) = parse_rules(text)
    return rule


def test_single_day() -> None:
    assert one("2027-03-01") == TimeRule(
        text="2027-03-01", first=date(2027, 3, 1), last=date(2027, 3, 1)
    )


def test_day_range_inclusive() -> None:
    assert one("2027-03-01..2027-03-07") == TimeRule(
        text="2027-03-01..2027-03-07", first=date(2027, 3, 1), last=date(2027, 3, 7)
    )


def test_weekday() -> None:
    assert one("fri") == TimeRule(text="fri", weekday=4)


def test_weekday_with_time_range() -> None:
    assert one("fri 13:00-17:00") == TimeRule(
        text="fri 13:00-17:00", weekday=4, start=time(13), end=time(17)
    )


def test_day_with_time_range() -> None:
    assert one("2027-03-01 08:00-12:00") == TimeRule(
        text="2027-03-01 08:00-12:00",
        first=date(2027, 3, 1),
        last=date(2027, 3, 1),
        start=time(8),
        end=time(12),
    )


def test_day_range_with_time_range() -> None:
    rule = one("2027-03-01..2027-03-07 08:00-12:00")
    assert (rule.first, rule.last, rule.start, rule.end) == (
        date(2027, 3, 1),
        date(2027, 3, 7),
        time(8),
        time(12),
    )
    assert rule.weekday is None


def test_time_range_alone_means_every_day() -> None:
    assert one("12:00-13:00") == TimeRule(text="12:00-13:00", start=time(12), end=time(13))


@pytest.mark.parametrize(
    ("name", "index"),
    [
        ("mon", 0),
        ("TUE", 1),
        ("Wednesday", 2),
        ("thursday", 3),
        ("Fri", 4),
        ("sat", 5),
        ("SUNDAY", 6),
        ("fredag", 4),
        ("mån", 0),
    ],
)
def test_weekday_spellings(name: str, index: int) -> None:
    assert one(name).weekday == index
    assert weekday_index(name) == index


def test_string_list_keeps_order_and_stripped_text() -> None:
    rules = parse_rules("  fri ; 2027-03-01..2027-03-05 ;; mon 08:00-10:00 ")
    assert [r.text for r in rules] == ["fri", "2027-03-01..2027-03-05", "mon 08:00-10:00"]


def test_toml_list_form() -> None:
    rules = parse_rules(["2027-03-01..2027-03-05", "fri"])
    assert [r.text for r in rules] == ["2027-03-01..2027-03-05", "fri"]
    assert rules[1].weekday == 4


def test_tuple_form_and_toml_date_items() -> None:
    rules = parse_rules((date(2027, 5, 7), "tue"))  # type: ignore[arg-type]
    assert rules[0] == TimeRule(text="2027-05-07", first=date(2027, 5, 7), last=date(2027, 5, 7))


@pytest.mark.parametrize("value", ["", "   ", ";", " ; ; ", [], ["", " "]])
def test_empty_gives_no_rules(value: str | list[str]) -> None:
    assert parse_rules(value) == ()


def test_spaces_around_separators_are_tolerated() -> None:
    rule = one("2027-03-01 .. 2027-03-07 08:00 - 12:00")
    assert rule.first == date(2027, 3, 1)
    assert rule.last == date(2027, 3, 7)
    assert rule.start == time(8)
    assert rule.end == time(12)
    assert rule.text == "2027-03-01 .. 2027-03-07 08:00 - 12:00"


def test_unknown_weekday_is_named() -> None:
    with pytest.raises(InputError) as err:
        parse_rules("mon; fry 13:00-17:00", "people.csv", "row 4, column 'unavailable'")
    assert err.value.file == "people.csv"
    assert err.value.where == "row 4, column 'unavailable'"
    assert "unknown weekday 'fry'" in err.value.message
    assert "mon, tue" in err.value.message
    assert str(err.value).startswith("people.csv, row 4, column 'unavailable': unknown weekday")


def test_range_end_before_start() -> None:
    with pytest.raises(InputError, match="before its start 2027-03-07") as err:
        parse_rules("2027-03-07..2027-03-01", "p.toml", "facilitators[1] unavailable")
    assert err.value.where == "facilitators[1] unavailable"
    assert "2027-03-07..2027-03-01" in err.value.message


@pytest.mark.parametrize("text", ["fri 17:00-13:00", "fri 13:00-13:00"])
def test_time_end_not_after_start(text: str) -> None:
    with pytest.raises(InputError, match="is not after its start"):
        parse_rules(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2027-02-30", "bad date '2027-02-30'"),
        ("2027-13-01..2027-13-05", "bad date '2027-13-01'"),
        ("2027-13-01..2027-13-05", "there is no month 13; write dates as YYYY-MM-DD"),
        ("2027-02-30", "month 2 of 2027 has no day 30"),
        ("11.01.2027 fri", "here 2027-01-11"),
        ("2027/03/01..2027/03/07", "here 2027-03-01"),
        ("fri 25:00-26:00", "bad time '25:00'"),
        ("fri 13:00-17:00 extra", "cannot read time expression"),
        ("fri 1pm-5pm", "bad time range '1pm-5pm'"),
    ],
)
def test_malformed_items(text: str, words: str) -> None:
    with pytest.raises(InputError) as err:
        parse_rules(text, "x.toml", "here")
    assert words in err.value.message


def test_non_text_item_is_an_error() -> None:
    with pytest.raises(InputError, match="expected a time expression as text"):
        parse_rules(["fri", 5])  # type: ignore[list-item]


def test_parse_time() -> None:
    assert parse_time("08:30") == time(8, 30)
    assert parse_time("8.30") == time(8, 30)
    assert parse_time("24:00") is None
    assert parse_time("08:3") is None


class TestCovers:
    fri_afternoon = TimeRule(text="fri 13:00-17:00", weekday=4, start=time(13), end=time(17))
    march_week = TimeRule(text="w", first=date(2027, 3, 1), last=date(2027, 3, 7))
    friday = date(2027, 3, 5)
    thursday = date(2027, 3, 4)

    def test_overlap_inside_and_partial(self) -> None:
        assert covers(self.fri_afternoon, self.friday, time(14), time(15))
        assert covers(self.fri_afternoon, self.friday, time(11), time(14))
        assert covers(self.fri_afternoon, self.friday, time(16, 30), time(18))

    def test_touching_ends_do_not_overlap(self) -> None:
        assert not covers(self.fri_afternoon, self.friday, time(9), time(13))
        assert not covers(self.fri_afternoon, self.friday, time(17), time(18))

    def test_other_weekday(self) -> None:
        assert not covers(self.fri_afternoon, self.thursday, time(14), time(15))

    def test_date_range_edges_inclusive(self) -> None:
        assert covers(self.march_week, date(2027, 3, 1), time(8), time(9))
        assert covers(self.march_week, date(2027, 3, 7), time(23), time(23, 30))
        assert not covers(self.march_week, date(2027, 3, 8), time(8), time(9))
        assert not covers(self.march_week, date(2027, 2, 28), time(8), time(9))

    def test_whole_day_rule_and_midnight_end(self) -> None:
        assert covers(one("2027-03-01"), date(2027, 3, 1), time(0), time(0))
        assert covers(one("fri"), self.friday, time(22), time(0))

    def test_empty_interval_covers_nothing(self) -> None:
        assert not covers(one("fri"), self.friday, time(10), time(10))


# --------------------------------------------------------------------------- properties

_DAY = st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31))
_MINUTE = st.integers(min_value=0, max_value=24 * 60 - 1)


def _t(minute: int) -> time:
    return time(minute // 60, minute % 60)


@given(
    weekday=st.integers(0, 6),
    a=_MINUTE,
    b=_MINUTE,
    day=_DAY,
    c=_MINUTE,
    d=_MINUTE,
)
def test_covers_agrees_with_minute_by_minute(
    weekday: int, a: int, b: int, day: date, c: int, d: int
) -> None:
    lo, hi = sorted((a, b))
    qlo, qhi = sorted((c, d))
    if lo == hi or qlo == qhi:
        return
    name = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[weekday]
    text = f"{name} {_t(lo):%H:%M}-{_t(hi):%H:%M}"
    rule = one(text)
    assert (rule.weekday, rule.start, rule.end) == (weekday, _t(lo), _t(hi))
    expected = day.weekday() == weekday and any(lo <= m < hi for m in range(qlo, qhi))
    assert covers(rule, day, _t(qlo), _t(qhi)) == expected


def test_every_bad_item_is_reported_in_one_error() -> None:
    """A cell with several expressions: each bad one named with its own hint, not the first."""
    with pytest.raises(InputError) as err:
        parse_rules("mon 13:00-17:00; tisdag; xx; 11.01.2027; fri 9-12", "p.csv",
                    "row 3, column 'avoid'")
    message = err.value.message
    assert err.value.where == "row 3, column 'avoid'"
    assert message.startswith("3 of the time expressions cannot be read: ")
    assert "unknown weekday 'xx' (use mon, tue" in message
    assert ("bad date '11.01.2027' in '11.01.2027' (write dates as YYYY-MM-DD "
            "(year-month-day), here 2027-01-11)") in message
    assert "'fri 9-12'" in message
    assert "tisdag" not in message and "mon 13:00" not in message


def test_a_swedish_weekday_is_offered_in_the_hint() -> None:
    with pytest.raises(InputError, match="mån, tis, ons, tor, fre, lör, sön"):
        parse_rules("fredg")
