"""Which column of a participants file holds which field (SPEC §3, §10).

A Forms or Excel export names its columns as the office wrote the questions:
``Namn``, ``E-postadress``, ``Arbetsplats``. :func:`header_fields` matches
each heading, ignoring case, accents and punctuation, against the English
names of SPEC §3 and the Swedish and English names offices use
(:data:`ALIASES`), and against the program's own ``[participants.columns]``
(:func:`read_columns`). Microsoft Forms' own columns (ID, Starttid, Sluttid,
E-post, Namn) and Google Forms' Tidstämpel are recognised: the response
number is no participant id, the respondent's address and name count only
when no question asks for them, and the time of the answer is when the
person registered unless a column says so.

A row without an id gets :func:`derived_id`, made from the e-mail address,
so a new export of the same form gives everyone the same id again.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, Problems
from ..said import said
from .values import _check_keys, _suggest

#: Every field a column may hold; ``first_name`` and ``last_name`` make ``name``.
FIELDS = (
    "id",
    "name",
    "first_name",
    "last_name",
    "email",
    "organization",
    "title",
    "phone",
    "org_number",
    "invoice_reference",
    "experience",
    "unavailable",
    "avoid",
    "not_with",
    "calendar",
    "registered",
)
#: The columns a participants file must have, one way or another.
REQUIRED = ("name", "email", "organization")

#: How much a column's heading says: a mapped or exact SPEC name beats a heading
#: found in :data:`ALIASES`, which beats a column Forms adds of its own.
EXACT, ALIAS, FORMS = 3, 2, 1


def normalize(heading: str) -> str:
    """A heading as it is compared: no accents, no case, punctuation as spaces.

    >>> normalize(" E-postadress: "), normalize("Förnamn"), normalize("Org.nr")
    ('e postadress', 'fornamn', 'org nr')
    """
    decomposed = unicodedata.normalize("NFKD", heading)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def _names(field: str, *headings: str) -> dict[str, str]:
    return {normalize(h): field for h in headings}


#: Headings offices use, normalised, and the field each holds (a field's own name in
#: another case, ``Email`` or ``NOT WITH``, too).
ALIASES: dict[str, str] = {
    **{normalize(field): field for field in FIELDS},
    **_names("id", "ID", "Id-nummer", "Deltagar-id", "Deltagarnummer", "Participant id"),
    **_names("name", "Namn", "Name", "Ditt namn", "Fullständigt namn", "För- och efternamn",
             "Full name", "Your name"),
    **_names("first_name", "Förnamn", "First name", "Given name"),
    **_names("last_name", "Efternamn", "Last name", "Surname", "Family name"),
    **_names("email", "E-post", "E-postadress", "Epost", "Epostadress", "Mejl",
             "Mejladress", "Din e-postadress", "Din e-post", "E-mail", "Email address",
             "E-mail address", "Your email"),
    **_names("organization", "Organisation", "Arbetsplats", "Förvaltning", "Arbetsgivare",
             "Företag", "Organization", "Organisation name", "Employer", "Company",
             "Workplace"),
    **_names("title", "Befattning", "Titel", "Tjänst", "Title", "Job title"),
    **_names("phone", "Telefon", "Telefonnummer", "Mobil", "Mobilnummer", "Mobiltelefon",
             "Tel", "Phone", "Phone number", "Mobile", "Mobile phone"),
    **_names("org_number", "Organisationsnummer", "Org.nr", "Orgnr", "Org nummer",
             "Organisation number", "Organization number", "Org number", "Company number"),
    **_names("invoice_reference", "Fakturareferens", "Referens", "Er referens",
             "Referens på fakturan", "Invoice reference", "Reference", "PO number"),
    **_names("experience", "Erfarenhet", "Ledarerfarenhet", "Experience"),
    **_names("unavailable", "Kan inte", "Förhinder", "Ej tillgänglig",
             "Unavailable", "Not available"),
    **_names("avoid", "Undvik", "Helst inte", "Avoid", "Rather not"),
    **_names("not_with", "Inte med", "Inte i grupp med", "Ej i samma grupp som",
             "Not with"),
    **_names("calendar", "Kalender", "Kalenderfil", "Calendar", "Calendar file"),
    **_names("registered", "Anmäld", "Anmälningsdatum", "Anmälningstid", "Anmäld den",
             "Registered", "Registration date"),
}
#: Columns Forms add of their own: (normalised heading, field or None to ignore).
_FORMS_OWN = {
    **_names("registered", "Sluttid", "Completion time", "Tidstämpel", "Timestamp"),
    **dict.fromkeys(map(normalize, ("Starttid", "Start time", "Senaste ändringstid",
                                    "Last modified time")), ""),
}
_MS_FORMS_START = {normalize("Starttid"), normalize("Start time")}
#: What Microsoft Forms writes for the respondent of an anonymous form.
ANONYMOUS = frozenset({"anonymous", "anonym"})

#: The headings of the participants template in each language (``init``).
TEMPLATE_HEADINGS: dict[str, dict[str, str]] = {
    "sv": {
        "id": "ID", "name": "Namn", "email": "E-post", "organization": "Organisation",
        "title": "Befattning", "phone": "Telefon", "org_number": "Organisationsnummer",
        "invoice_reference": "Fakturareferens", "experience": "Erfarenhet",
        "unavailable": "Kan inte", "avoid": "Undvik", "not_with": "Inte med",
        "calendar": "Kalender", "registered": "Anmäld",
    },
}


@dataclass(frozen=True)
class Column:
    """One column that holds ``field``: its 0-based ``index``, its heading and its rank."""

    index: int
    heading: str
    field: str
    rank: int


def read_columns(file: str, data: Mapping[str, Any], problems: Problems) -> dict[str, str]:
    """``[participants.columns]`` of the program: normalised heading -> field.

    ``{}`` when the program lists ``[[participants]]`` instead (or nothing). An
    unknown key of ``[participants]``, a heading mapped to no text or to an
    unknown field is a problem naming the key.
    """
    table = data.get("participants")
    if not isinstance(table, dict):
        return {}
    with problems.check():
        _check_keys(file, "[participants]", table, ("columns",))
    columns = table.get("columns", {})
    if not isinstance(columns, dict):
        problems.add(InputError(file, "[participants.columns]",
                                said("{label} must be a table, got {value}",
                                     label="[participants.columns]", value=repr(columns))))
        return {}
    out: dict[str, str] = {}
    for heading, field in columns.items():
        where = f'[participants.columns] "{heading}"'
        if not isinstance(field, str) or field.strip() not in FIELDS:
            shown = field if isinstance(field, str) else repr(field)
            hint = _suggest(str(field), FIELDS) or said("; fields: {fields}",
                                                        fields=", ".join(FIELDS))
            problems.add(InputError(file, where, said(
                "unknown field '{field}' for the column \"{heading}\"{hint}", field=shown,
                heading=heading, hint=hint)))
            continue
        if not normalize(heading):
            problems.add(InputError(file, where, said(
                "a column heading needs letters or digits")))
            continue
        out[normalize(heading)] = field.strip()
    return out


def header_fields(header: Sequence[str], mapped: Mapping[str, str]) -> list[Column]:
    """The columns of ``header`` that hold a field, best first for each field (of two
    alike, the one further left).

    ``mapped`` is :func:`read_columns`. A heading the program maps, or one of
    SPEC §3's exact names, ranks :data:`EXACT`; one of :data:`ALIASES`
    :data:`ALIAS`; Forms' own columns :data:`FORMS` (and Microsoft Forms'
    response number, its first column ``ID``, holds nothing). Other headings
    are ignored, as extra columns are.
    """
    keys = [normalize(h) for h in header]
    ms_forms = _ms_forms(keys)
    out: list[Column] = []
    for i, (heading, key) in enumerate(zip(header, keys, strict=True)):
        if not key:
            continue
        if key in mapped:
            out.append(Column(i, heading, mapped[key], EXACT))
        elif heading in FIELDS and heading not in ("first_name", "last_name"):
            out.append(Column(i, heading, heading, EXACT))
        elif ms_forms and i == 0:
            continue  # the response number: the same person answering again gets a new one
        elif key in _FORMS_OWN:
            if _FORMS_OWN[key]:
                out.append(Column(i, heading, _FORMS_OWN[key], FORMS))
        elif ms_forms and i <= 4 and ALIASES.get(key) in ("email", "name"):
            out.append(Column(i, heading, ALIASES[key], FORMS))  # the respondent's
        elif key in ALIASES:
            out.append(Column(i, heading, ALIASES[key], ALIAS))
    out.sort(key=lambda c: (FIELDS.index(c.field), -c.rank, c.index))
    return out


def _ms_forms(keys: Sequence[str]) -> bool:
    """Whether normalised headings ``keys`` start as a Microsoft Forms export does."""
    return len(keys) > 1 and keys[0] == "id" and keys[1] in _MS_FORMS_START


def forms_own(header: Sequence[str]) -> set[int]:
    """The indexes of the columns Forms add of their own (a question may share a heading).

    >>> sorted(forms_own(["ID", "Starttid", "Sluttid", "E-post", "Namn", "Namn"]))
    [0, 1, 2, 3, 4]
    >>> sorted(forms_own(["Tidstämpel", "E-postadress", "Namn"]))
    [0]
    """
    keys = [normalize(h) for h in header]
    own = {i for i, key in enumerate(keys) if key in _FORMS_OWN}
    if _ms_forms(keys):
        own |= {i for i in range(min(5, len(keys)))
                if i < 3 or ALIASES.get(keys[i]) in ("email", "name")}
    return own


def missing_fields(columns: Sequence[Column]) -> list[str]:
    """The required fields no column holds (``name`` is there with a first or last name)."""
    have = {c.field for c in columns}
    if have & {"first_name", "last_name"}:
        have.add("name")
    return [f for f in REQUIRED if f not in have]


def known_headings(field: str) -> list[str]:
    """Some headings read as ``field``, for a message: the SPEC name first."""
    shown = {"name": ["Namn", "Förnamn + Efternamn"], "email": ["E-post", "E-postadress"],
             "organization": ["Organisation", "Arbetsplats", "Förvaltning"]}
    return [field, *shown.get(field, [])]


def derived_id(email: str) -> str:
    """The id of a row without one: ``p`` and 10 hex digits of the address's SHA-256.

    The address is compared as :func:`~.people.one_registration_per_person` does
    (ignoring case), so a new export gives the same id; the id is a safe file name.

    >>> derived_id("Asa.Oberg@malmo.se") == derived_id("asa.oberg@malmo.se ")
    True
    >>> derived_id("asa.oberg@malmo.se")
    'pb9083ec480'
    """
    digest = hashlib.sha256(email.strip().casefold().encode("utf-8")).hexdigest()
    return "p" + digest[:10]
