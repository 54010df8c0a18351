"""A tiny program for daylight-saving tests: one cohort of two people from
different organisations, three sessions a week apart (shared by the
end-to-end, libical and CalDAV tests)."""

TINY = """\
[program]
id = "{pid}"
name = "Tiny {pid}"
timezone = "{tz}"
country = "{country}"
start = {start}
end = {end}
mode = "mixed"

[sessions]
min_gap_days = 4
max_gap_days = 8

[groups]
size = 2
min_size = 2
max_size = 2

[[facilitators]]
id = "f1"
name = "Frida Facilitator"
email = "frida@backstage.example"

[[participants]]
id = "a1"
name = "Anna Alfa"
email = "anna@alfa.example"
organization = "Alfa AB"
experience = "new"

[[participants]]
id = "b1"
name = "Bo Beta"
email = "bo@beta.example"
organization = "Beta AB"
experience = "new"
"""


def tiny_program(
    pid: str, start: str, end: str, tz: str = "Europe/Stockholm", country: str = "SE"
) -> str:
    """The TOML of a tiny program ``pid`` from ``start`` to ``end`` (ISO dates)."""
    return TINY.format(pid=pid, tz=tz, country=country, start=start, end=end)
