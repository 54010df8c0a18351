"""Deterministic generator of realistic Backstage program folders for benchmarking.

A generated folder holds ``program.toml`` (a 2027 run with summer and
Christmas blackouts and Swedish holidays) and ``participants.csv``
(``;``-separated, UTF-8 with BOM, CRLF, as Swedish Excel writes it). The same
``n``, ``f``, ``seed`` and ``variant`` always give byte-identical files.

Variants (see benchmarks/README.md): ``normal`` (mixed run, no rooms),
``company`` (company mode, a handful of organisations), ``venues`` (3-4 rooms
that limit parallel sessions and cohort size), ``tight`` (facilitator
capacity, organisation caps and rooms all bind), ``snug`` (rooms, and
facilitators for just enough cohorts of six: everyone fits only if the
cohorts are packed well) and ``real`` (registrations shaped like real ones:
facilitators on two fixed weekdays with capacity for cohorts of seven,
people on 2-3 weekdays, large organisations, absences, busy calendars;
written by ``real.py``, with a ``calendars/`` folder).

Usage::

    python benchmarks/generate.py OUT_DIR --participants 60 --facilitators 3 --seed 0 \
        [--variant tight]
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import unicodedata
from datetime import date, timedelta
from pathlib import Path

WINDOW_START = date(2027, 1, 11)
# The window runs into the Christmas blackout (closed from 2027-12-20), so the
# last possible session day stays Friday 2027-12-17 while the blackout is a real input.
WINDOW_END = date(2027, 12, 22)
BLACKOUT = (date(2027, 6, 21), date(2027, 8, 13))
CHRISTMAS = (date(2027, 12, 20), date(2028, 1, 7))
VARIANTS = ("normal", "company", "venues", "tight", "snug", "real")
PUBLIC_KINDS = ("{} stad", "{} kommun", "Region {}")
COMPANY_KINDS = ("{} Energi AB", "{} Stål AB", "{}hem AB", "{} Sparbank", "{} Hamn AB")
ROOMS = (
    ("rum-ekorren", "Rum Ekorren, plan 2", 8),
    ("rum-kajan", "Rum Kajan, plan 3", 8),
    ("rum-lodjuret", "Rum Lodjuret, plan 3", 7),
    ("rum-uttern", "Rum Uttern, plan 4", 6),
)

FIRST_NAMES = (
    "Åsa", "Björn", "Märta", "Göran", "Linnéa", "Örjan", "Sofia", "Per", "Ingrid",
    "Jörgen", "Malin", "Håkan", "Elin", "Lars", "Karolina", "Anders", "Stina", "Tomas",
    "Ylva", "Nils", "Hanna", "Mikael", "Kajsa", "Fredrik", "Therese", "Olle", "Annika",
    "Rasmus", "Maja", "Gunnel", "Sören", "Birgitta", "Åke", "Lena", "Mats", "Katarina",
    "Jöns", "Ebba", "Torbjörn", "Märit", "Petra", "Ulf", "Agneta", "Bengt", "Cecilia",
    "Dag", "Eva", "Gösta", "Helén", "Inger", "Jonas", "Kerstin", "Leif", "Monica",
)
LAST_NAMES = (
    "Öberg", "Lindqvist", "Ångström", "Bäckman", "Sjödin", "Nyström", "Håkansson", "Ek",
    "Wästberg", "Åkesson", "Löfgren", "Strömberg", "Dahl", "Hägglund", "Sandén",
    "Forsström", "Blomqvist", "Ölund", "Berg", "Jäderberg", "Holm", "Lindén", "Fält",
    "Göransson", "Mårtensson", "Rydén", "Eklöf", "Kullberg", "Nordén", "Sjöberg",
    "Källström", "Ågren", "Björklund", "Söderlund", "Hedström", "Lövgren", "Östlund",
    "Wikström", "Grönlund", "Åberg", "Norrman", "Fröberg", "Bergqvist", "Lundgren",
)
PLACES = (
    "Västerås", "Eskilstuna", "Köping", "Sala", "Enköping", "Strängnäs", "Örebro",
    "Arboga", "Fagersta", "Norrtälje", "Uppsala", "Nyköping", "Katrineholm", "Södertälje",
    "Hallstahammar", "Kungsör", "Torshälla", "Surahammar", "Skinnskatteberg", "Heby",
    "Östhammar", "Tierp", "Håbo", "Älvkarleby", "Gävle", "Sandviken", "Falun", "Borlänge",
    "Ludvika", "Avesta", "Hedemora", "Karlskoga", "Lindesberg", "Hällefors", "Nora",
)
ORG_KINDS = (
    "{} stad", "{} kommun", "Region {}", "{} Energi AB", "{}hem AB", "{} Sparbank",
    "{} Stål AB", "{} Bryggeri AB", "{} Hamn AB", "{} Skog AB", "Vård i {} AB",
    "{} Mekaniska Verkstad", "{} Byggtjänst AB", "Räddningstjänsten {}",
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
HALF_DAYS = ("08:30-12:00", "13:00-17:00")
FACILITATOR_FIRST = ("Karin", "Mats", "Gunilla", "Östen", "Lotta", "Pär", "Solveig", "Jöran")
FACILITATOR_LAST = ("Ståhlberg", "Öhrn", "Åström", "Bergström", "Fägerskiöld", "Näslund")


def ascii_slug(text: str) -> str:
    """``Västerås stad`` -> ``vasterasstad`` (for e-mail addresses)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _organisations(rng: random.Random, count: int, large: int,
                   large_kinds: tuple[str, ...] = PUBLIC_KINDS) -> list[str]:
    """``count`` distinct names; the first ``large`` are public employers."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        kinds = large_kinds if len(names) < large else ORG_KINDS
        name = rng.choice(kinds).format(rng.choice(PLACES))
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _random_workday(rng: random.Random) -> date:
    """A weekday inside the window and outside the summer and Christmas blackouts."""
    while True:
        day = WINDOW_START + timedelta(days=rng.randrange((WINDOW_END - WINDOW_START).days))
        if (day.weekday() < 5 and not BLACKOUT[0] <= day <= BLACKOUT[1]
                and day < CHRISTMAS[0]):
            return day


def _week_range(rng: random.Random, weeks: int) -> str:
    day = _random_workday(rng)
    monday = day - timedelta(days=day.weekday())
    friday = monday + timedelta(days=7 * weeks - 3)
    return f"{monday.isoformat()}..{friday.isoformat()}"


def _few_weekdays(rng: random.Random) -> str:
    """Available on two or three weekdays only: the other weekdays, unavailable."""
    keep = set(rng.sample(WEEKDAYS, rng.choice((2, 3, 3))))
    return "; ".join(d for d in WEEKDAYS if d not in keep)


def _unavailable(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.25:
        return _few_weekdays(rng)
    if kind < 0.45:
        return rng.choice(WEEKDAYS)
    if kind < 0.65:
        return f"{rng.choice(WEEKDAYS)} {rng.choice(HALF_DAYS)}"
    if kind < 0.85:
        return _week_range(rng, 1)
    if kind < 0.93:
        return _week_range(rng, 2)
    # a weekday afternoon plus a week off
    return f"{rng.choice(WEEKDAYS)} 13:00-17:00; {_week_range(rng, 1)}"


def _avoid(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"{rng.choice(WEEKDAYS)} {rng.choice(HALF_DAYS)}"
    return rng.choice(WEEKDAYS)


def _cohort_budget(n: int, f: int, variant: str) -> list[int]:
    """``max_cohorts`` per facilitator.

    Normal runs leave slack (``ceil(n / 6 / f) + 1`` each); ``tight`` runs get
    just enough cohorts of ``max_size`` 7 for about 85 % of the registrants,
    ``snug`` runs just enough cohorts of the target size 6 for everyone, both
    spread as evenly as possible (at least one each).
    """
    if variant == "snug":
        total = max(f, math.ceil(n / 6))
    elif variant != "tight":
        return [math.ceil(n / 6 / f) + 1] * f
    else:
        total = max(f, math.ceil(0.85 * n / 7))
    return [total // f + (1 if i < total % f else 0) for i in range(f)]


def _off_days(i: int, f: int) -> list[str]:
    """Fixed weekdays a facilitator does not work, rotating so all days stay covered.

    Every fourth facilitator works all five days, every fourth three days
    (two days off), the rest four days; a lone facilitator works four days.
    """
    if f == 1:
        return [WEEKDAYS[4]]
    kind = i % 4
    if kind == 0:
        return []
    if kind == 3:
        return [WEEKDAYS[i % 5], WEEKDAYS[(i + 2) % 5]]
    return [WEEKDAYS[i % 5]]


def _rooms(n: int, f: int, variant: str) -> tuple[tuple[str, str, int], ...]:
    if variant == "venues":
        return ROOMS if n > 120 else ROOMS[:3]
    if variant in ("tight", "snug"):  # a big and a smaller room first: capacity binds too
        return tuple(ROOMS[r] for r in (0, 2, 1, 3))[: max(2, min(4, math.ceil(f / 4)))]
    return ()


def _program_toml(n: int, f: int, seed: int, variant: str, rng: random.Random) -> str:
    budget = _cohort_budget(n, f, variant)
    mode = "company" if variant == "company" else "mixed"
    suffix = "" if variant == "normal" else f"-{variant}"
    lines = [
        f"# Generated by benchmarks/generate.py (n={n}, f={f}, seed={seed}, "
        f"variant={variant}).",
        "",
        "[program]",
        f'id = "bench-{n}x{f}-s{seed}{suffix}"',
        f'name = "Backstage 2027 – benchmark {n}×{f} {variant}"',
        'timezone = "Europe/Stockholm"',
        'country = "SE"',
        'holiday_categories = ["public", "de_facto"]',
        f"start = {WINDOW_START.isoformat()}",
        f"end = {WINDOW_END.isoformat()}",
        f'mode = "{mode}"',
        "extra_closed = [2027-05-07]",
        "",
        "[[program.blackout]]",
        'name = "Sommar"',
        f"start = {BLACKOUT[0].isoformat()}",
        f"end = {BLACKOUT[1].isoformat()}",
        "",
        "[[program.blackout]]",
        'name = "Jul och nyår"',
        f"start = {CHRISTMAS[0].isoformat()}",
        f"end = {CHRISTMAS[1].isoformat()}",
        "",
        "[sessions]",
        "duration_minutes = 180",
        "min_gap_days = 28",
        "max_gap_days = 35",
        'weekdays = ["mon", "tue", "wed", "thu", "fri"]',
        'day_start = "08:30"',
        'day_end = "17:00"',
        "grid_minutes = 30",
        "max_sessions_per_day = 2",
        "buffer_minutes = 60",
        "",
        "[groups]",
        "size = 6",
        "min_size = 4",
        "max_size = 7",
        "max_per_organization = 1",
        "",
        "[policy]",
        "cancellation_days = 10",
        "fee = 17500",
        'currency = "SEK"',
        "vat_rate = 0.25",
    ]
    used: set[str] = set()
    for i in range(f):
        while True:
            name = f"{rng.choice(FACILITATOR_FIRST)} {rng.choice(FACILITATOR_LAST)}"
            if name not in used:
                used.add(name)
                break
        # fixed working weekdays, one week of leave, and for some a second week
        unavailable = [*_off_days(i, f), _week_range(rng, 1)]
        if rng.random() < 0.3:
            unavailable.append(_week_range(rng, 1))
        first, last = name.split(" ", 1)
        lines += [
            "",
            "[[facilitators]]",
            f'id = "f{i + 1}"',
            f'name = "{name}"',
            f'email = "{ascii_slug(first)}.{ascii_slug(last)}@backstage.example"',
            f"max_cohorts = {budget[i]}",
            "unavailable = [" + ", ".join(f'"{u}"' for u in unavailable) + "]",
        ]
    for vid, vname, capacity in _rooms(n, f, variant):
        lines += ["", "[[venues]]", f'id = "{vid}"', f'name = "{vname}"',
                  f"capacity = {capacity}"]
    return "\n".join(lines) + "\n"


def _org_plan(n: int, f: int, variant: str) -> tuple[int, int, int, int]:
    """(organisations, of which large public employers, cap per organisation, floor).

    Mixed runs: about ``n / 4`` organisations, the first ``1 + n // 150`` public
    employers; organisation sizes follow weights ``1 / rank`` (a few with dozens
    of registrants at 360 and up, a long tail of small firms). The cap keeps every
    organisation below the number of cohorts that can form (``n / 7``, three
    quarters of it for slack) so that a normal mixed run can seat everyone. In
    ``tight`` runs the largest organisations may reach 1.3 x the cohort budget,
    so the one-per-cohort rule binds. Company runs have a handful of
    organisations of at least eight people each.
    """
    if variant == "company":
        count = max(1, min(6, max(2, n // 20), n // 8))
        return count, count, n, min(8, n // count)
    count = max(8, round(n / 4))
    large = 1 + n // 150
    if variant == "tight":
        cohorts = sum(_cohort_budget(n, f, variant))
        cap = max(2, math.ceil(1.3 * cohorts))
    else:
        cap = max(2, math.floor(0.75 * n / 7))
    # never below an even share, or the capped pick could not place everyone
    return count, large, max(cap, math.ceil(n / count) + 1), 1


def _pick_org(rng: random.Random, orgs: list[str], per_org: dict[str, int], cap: int) -> str:
    """Large organisations send more people (weights 1/rank), up to ``cap`` each."""
    while True:
        org = rng.choices(orgs, weights=[1 / (r + 1) for r in range(len(orgs))])[0]
        if per_org.get(org, 0) < cap:
            return org


def _participants(n: int, f: int, variant: str, rng: random.Random) -> list[list[str]]:
    count, large, cap, floor = _org_plan(n, f, variant)
    kinds = COMPANY_KINDS if variant == "company" else PUBLIC_KINDS
    orgs = _organisations(rng, count, large, kinds)
    width = max(3, len(str(n)))
    ids = [f"p{i + 1:0{width}d}" for i in range(n)]
    # every organisation first gets ``floor`` people (in file order, round robin);
    # the rest go to a skewed pick, capped per organisation
    seeded = [orgs[i % count] for i in range(min(n, count * floor))]
    per_org: dict[str, int] = {}
    rows: list[list[str]] = []
    names: set[str] = set()
    emails: set[str] = set()
    for i, pid in enumerate(ids):
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            if f"{first} {last}" not in names:
                names.add(f"{first} {last}")
                break
        org = seeded[i] if i < len(seeded) else _pick_org(rng, orgs, per_org, cap)
        per_org[org] = per_org.get(org, 0) + 1
        email = f"{ascii_slug(first)}.{ascii_slug(last)}@{ascii_slug(org)}.example"
        if email in emails:
            email = f"{ascii_slug(first)}.{ascii_slug(last)}{i + 1}@{ascii_slug(org)}.example"
        emails.add(email)
        experience = "experienced" if rng.random() < 0.35 else "new"
        unavailable = _unavailable(rng) if rng.random() < 0.30 else ""
        avoid = _avoid(rng) if rng.random() < 0.15 else ""
        rows.append([pid, f"{first} {last}", email, org, experience, unavailable, avoid, ""])
    # a few not_with pairs, one per ~20 people: in company runs a manager and a
    # direct report (same organisation), in mixed runs people of different
    # organisations (a customer and a supplier) -- same-organisation pairs there
    # are kept apart by the organisation rule anyway
    by_org: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_org.setdefault(row[3], []).append(i)
    pairs = max(1, n // 20) if n >= 2 else 0
    for _ in range(pairs):
        a = rng.randrange(n)
        same = variant == "company"
        others = [x for x in range(n) if x != a and (rows[x][3] == rows[a][3]) == same]
        b = rng.choice(others or [x for x in range(n) if x != a])
        existing = [x.strip() for x in rows[a][7].split(";") if x.strip()]
        if ids[b] not in existing:
            rows[a][7] = "; ".join([*existing, ids[b]])
    return rows


def generate(out_dir: Path, n: int, f: int, seed: int = 0,
             variant: str = "normal") -> tuple[Path, Path]:
    """Write ``program.toml`` and ``participants.csv`` for ``n`` people, ``f`` facilitators."""
    if n < 1 or f < 1:
        raise ValueError("need at least one participant and one facilitator")
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose from {', '.join(VARIANTS)}")
    salt = VARIANTS.index(variant) * 7_919
    rng = random.Random(seed * 1_000_003 + n * 101 + f + salt)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if variant == "real":
        from real import write_real  # imports this module's names

        return write_real(out_dir, n, f, seed, rng)
    program_path = out_dir / "program.toml"
    csv_path = out_dir / "participants.csv"
    program_path.write_text(_program_toml(n, f, seed, variant, rng), encoding="utf-8",
                            newline="\n")
    rows = _participants(n, f, variant, rng)
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(["id", "name", "email", "organization", "experience",
                         "unavailable", "avoid", "not_with"])
        writer.writerows(rows)
    return program_path, csv_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--participants", "-n", type=int, default=60)
    parser.add_argument("--facilitators", "-f", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--variant", choices=VARIANTS, default="normal")
    args = parser.parse_args(argv)
    program_path, csv_path = generate(args.out_dir, args.participants, args.facilitators,
                                      args.seed, args.variant)
    print(f"wrote {program_path} and {csv_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
