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


LOOP_KEYS = """organizer_name = "Backstage-kansliet"
organizer_email = "kansli@backstage.example"
online_url = "https://teams.example/meet/backstage"
reminder_minutes = [1440, 60]
"""
LOOP_VENUE = """
[[venues]]
id = "ekorren"
name = "Rum Ekorren"
address = "Drottninggatan 1, Örebro"
capacity = 4
"""


def loop_program(start: str, end: str) -> str:
    """A tiny program with everything of SPEC §6: the coordinator's mailbox organises
    (the facilitator attends as CHAIR), a room with an address, a link to join online
    and two reminders."""
    text = tiny_program("loop", start, end)
    return text.replace("[program]\n", "[program]\n" + LOOP_KEYS, 1) + LOOP_VENUE
