"""FollowTheMoney entities as OpenSanctions publishes them: JSON lines, one entity per
line, ``{"id", "schema", "properties": {name: [values]}, "datasets", "first_seen", …}``.

Company, Organization, LegalEntity and Person become parties; Sanction (``entity``,
``authority``, ``program``, ``country``, ``startDate``/``endDate``) becomes a listing;
Ownership (``owner``, ``asset``, ``percentage``, ``startDate``/``endDate``) an ownership
with its share. Other schemata are skipped and reported. A Sanction or Ownership may come
before the entity it names.
"""

from __future__ import annotations

import json
from pathlib import Path

from rivalry.importing.records import (
    InputError,
    ListedOn,
    Owns,
    Parsed,
    Party,
    country_code,
    full_date,
    share_percentage,
)
from rivalry.load.json_guard import JsonLimitError, guard

KINDS = {"Company": "firm", "Organization": "organisation", "LegalEntity": "organisation",
         "Person": "person"}  # fmt: skip


def parse_ftm(path: Path) -> Parsed:
    parsed = Parsed(fmt="ftm")
    references: list[tuple[int, str, str]] = []  # (line, property, entity id)
    with path.open(encoding="utf-8-sig") as handle:
        for number, text in enumerate(handle, 1):
            if text.strip():
                references += _entity(parsed, number, text)
    for line, prop, target in references:
        if target not in parsed.parties:
            raise InputError(
                line,
                None,
                f"{prop} refers to entity {target!r}, which the file does not "
                "define (or defines with a schema that is not imported); add that entity",
            )
    return parsed


def _entity(parsed: Parsed, line: int, text: str) -> list[tuple[int, str, str]]:
    try:
        guard(text)  # before json.loads, which would recurse through deep nesting
        entity = json.loads(text.rstrip("\r\n"))
    except JsonLimitError as err:
        raise InputError(line, err.column, err.message) from None
    except json.JSONDecodeError as err:
        raise InputError(line, err.colno, f"not a JSON object: {err.msg}") from None
    if not isinstance(entity, dict):
        raise InputError(line, 1, "each line holds one FollowTheMoney entity, a JSON object")
    key, schema, props = entity.get("id"), entity.get("schema"), entity.get("properties")
    if not isinstance(key, str) or not isinstance(schema, str) or not isinstance(props, dict):
        raise InputError(line, 1, 'an entity needs "id", "schema" and a "properties" object')
    if any(not isinstance(v, list) for v in props.values()):
        raise InputError(line, None, f"{key}: every property holds a list of values")

    def one(name: str) -> str | None:
        return next((str(v).strip() for v in props.get(name, []) if str(v).strip()), None)

    if schema in KINDS:
        names = [*props.get("name", []), *props.get("alias", []), *props.get("weakAlias", [])]
        odd = next((n for n in names if not isinstance(n, str)), None)
        if odd is not None or None in names:
            raise InputError(
                line,
                None,
                f"{key}: names (name, alias, weakAlias) are strings, but one is "
                f"{json.dumps(odd)}; write each name as a JSON string",
            )
        names = list(dict.fromkeys(n.strip() for n in names if n.strip()))
        if not names:
            raise InputError(line, None, f"{key}: a {schema} needs a name")
        where = props.get("jurisdiction") or props.get("country") or []
        wikidata = one("wikidataId")
        if wikidata and not (wikidata.startswith("Q") and wikidata[1:].isdigit()):
            raise InputError(line, None, f"{key}: wikidataId {wikidata!r} is not a QID (Q…)")
        parsed.parties[key] = Party(
            key=key,
            line=line,
            kind=KINDS[schema],
            names=names,
            countries=sorted({c for c in map(country_code, where) if c}),
            wikidata=wikidata,
            raw=entity,
        )
        return []
    if schema == "Sanction":
        target, authority = one("entity"), one("authority")
        if not target:
            raise InputError(line, None, f"{key}: a Sanction needs its entity")
        country = country_code(one("country") or "")
        if not authority or not country:
            why = "without an authority and the ISO code of its state, the list's keeper is unknown"
            parsed.skipped.append((line, f"{key}: sanction {why}"))
            return [(line, "entity", target)]
        program = one("program") or f"{authority} sanctions"
        parsed.list_names.add(program)
        parsed.listings.append(
            ListedOn(
                party=target,
                line=line,
                list_name=program,
                list_label=program,
                authority=authority,
                country=country,
                start=full_date(one("startDate") or one("listingDate")),
                end=full_date(one("endDate")),
                key=key,
                raw=entity,
            )
        )
        return [(line, "entity", target)]
    if schema == "Ownership":
        owner, asset = one("owner"), one("asset")
        if not owner or not asset:
            raise InputError(line, None, f"{key}: an Ownership needs its owner and asset")
        share = share_percentage(one("percentage"))
        if one("percentage") and share is None:
            parsed.skipped.append(
                (line, f"{key}: percentage {one('percentage')!r} is not a number from 0 to 100; "
                       "the ownership is kept without its share")
            )  # fmt: skip
        parsed.ownerships.append(
            Owns(
                owner,
                asset,
                line,
                key,
                full_date(one("startDate")),
                full_date(one("endDate")),
                raw=entity,
                percentage=share,
            )
        )
        return [(line, "owner", owner), (line, "asset", asset)]
    parsed.skipped.append((line, f"{key}: schema {schema} is not imported"))
    return []
