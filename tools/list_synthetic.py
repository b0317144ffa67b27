"""Generated screening lists in the published layouts, for the import benchmarks: the
Consolidated Screening List as CSV (trade.gov's 29 columns) and FollowTheMoney entities as
JSON lines (as OpenSanctions publishes them).

Every name is made up (and marked "(synthetic)"); the countries are real ISO 3166 codes.
The rows vary as the real lists do: five source lists, entities, individuals and vessels,
one to three addresses, alternative names, start and end dates, dates of birth. A few
rows carry a planted error the gate must report (a listing that ends before it starts);
``planted`` says how many, so a benchmark can check that each is caught.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path

from rivalry.importing.csl import COLUMNS

CSL_SOURCES = (
    "Entity List (EL) - Bureau of Industry and Security",
    "Specially Designated Nationals (SDN) - Treasury Department",
    "Military End User (MEU) List - Bureau of Industry and Security",
    "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department",
    "Nonproliferation Sanctions (ISN) - State Department",
)
COUNTRIES = ("CN", "RU", "IR", "HK", "AE", "TR", "BY", "KP", "SY", "PK", "MY", "SG", "IN")
WORDS = (
    "Aurora", "Boreal", "Cobalt", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Indigo",
    "Jade", "Kestrel", "Lumen", "Meridian", "Nimbus", "Onyx", "Polar", "Quartz", "Radiant",
    "Summit", "Titan", "Umber", "Vertex", "Willow", "Xenon", "Yarrow", "Zenith",
)  # fmt: skip
TRADES = (
    "Microelectronics", "Photonics", "Trading", "Logistics", "Semiconductor", "Aviation",
    "Machinery", "Optics", "Software", "Materials", "Shipping", "Instruments",
)  # fmt: skip
FORMS = ("Co., Ltd.", "LLC", "Limited", "JSC", "Group", "Industrial Corporation", "FZE")
GIVEN = ("Alexei", "Li", "Reza", "Olga", "Wei", "Farid", "Irina", "Chen", "Omar", "Yana")
FAMILY = ("Petrov", "Zhang", "Karimi", "Sokolova", "Wang", "Haddad", "Ivanova", "Liu")
PLANT_EVERY = 2_500  # one planted error per this many rows, and at least three


@dataclass
class Generated:
    path: Path
    rows: int
    planted: int  # rows whose listing ends before it starts


def _day(rng: random.Random, start: int = 2012, end: int = 2025) -> str:
    return f"{rng.randint(start, end)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _company(rng: random.Random, n: int) -> str:
    # the row number keeps names unique, as the real list's names mostly are
    return f"{rng.choice(WORDS)} {rng.choice(TRADES)} {n} {rng.choice(FORMS)} (synthetic)"


def _address(rng: random.Random) -> str:
    return f"{rng.randint(1, 999)} {rng.choice(WORDS)} Road, District {rng.randint(1, 30)}, " + (
        rng.choice(COUNTRIES)
    )


def _plants(rows: int) -> set[int]:
    count = max(3, rows // PLANT_EVERY)
    return {1 + (i * rows) // count for i in range(count)}


def csl_csv(path: Path, rows: int, seed: int = 16, plant: bool = True) -> Generated:
    """``rows`` CSL rows; with ``plant``, a few whose listing ends before it starts."""
    rng = random.Random(seed)
    plants = _plants(rows) if plant else set()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        for n in range(1, rows + 1):
            kind = rng.choices(("Entity", "Individual", "Vessel", ""), (70, 20, 5, 5))[0]
            kind = "Entity" if n in plants else kind  # a person's listing has no dates to check
            start = _day(rng)
            end = ""
            if n in plants:
                end = f"{int(start[:4]) - 1}{start[4:]}"  # planted: ends before it starts
            elif rng.random() < 0.1:
                end = _day(rng, int(start[:4]) + 1, 2026)
            row = {c: "" for c in COLUMNS}
            row.update(
                _id=f"syn{seed:02d}{n:07d}",
                source=rng.choice(CSL_SOURCES),
                type=kind,
                programs="; ".join(rng.sample(("EAR", "IRAN", "RUSSIA-EO14024", "SDGT"), 2)),
                start_date="" if rng.random() < 0.05 and n not in plants else start,
                end_date=end,
                source_list_url="https://www.trade.gov/consolidated-screening-list",
                federal_register_notice=f"{rng.randint(70, 90)} FR {rng.randint(1000, 99999)}",
            )
            if kind == "Individual":
                row["name"] = f"{rng.choice(FAMILY)}, {rng.choice(GIVEN)} {n} (synthetic)"
                row["dates_of_birth"] = _day(rng, 1950, 1995)
                row["nationalities"] = rng.choice(COUNTRIES)
                row["citizenships"] = rng.choice(COUNTRIES)
            elif kind == "Vessel":
                row["name"] = f"MV {rng.choice(WORDS).upper()} {n} (synthetic)"
                tonnage = str(rng.randint(1, 90) * 1000)
                row.update(vessel_type="Crude Oil Tanker", vessel_flag="Panama",
                           call_sign=f"3E{n % 10000:04d}", gross_tonnage=tonnage)  # fmt: skip
            else:
                row["name"] = _company(rng, n)
            row["addresses"] = "; ".join(_address(rng) for _ in range(rng.choice((1, 1, 1, 2, 3))))
            alts = rng.choice((0, 0, 1, 2))
            row["alt_names"] = "; ".join(
                f"{row['name'].split(' (')[0]} alias {a} (synthetic)" for a in range(alts)
            )
            writer.writerow(row)
    return Generated(path, rows, len(plants))


def ftm_jsonl(path: Path, entities: int, seed: int = 16, plant: bool = True) -> Generated:
    """About ``entities`` entities: parties (companies, organisations, people), a sanction
    for each, some ownership between companies."""
    rng = random.Random(seed)
    parties = max(1, (entities * 100) // 207)  # a sanction each, ownership for some
    plants = _plants(parties) if plant else set()
    written = 0
    with open(path, "w", encoding="utf-8") as handle:

        def emit(entity: dict) -> None:
            nonlocal written
            entity.setdefault("datasets", ["us_trade_csl"])
            entity.setdefault("first_seen", "2023-02-01T09:00:00")
            handle.write(json.dumps(entity, ensure_ascii=False) + "\n")
            written += 1

        companies: list[str] = []
        for n in range(1, parties + 1):
            schema = rng.choices(("Company", "Organization", "Person"), (70, 10, 20))[0]
            schema = "Company" if n in plants else schema
            key = f"syn-{seed}-{n}"
            if schema == "Person":
                name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {n} (synthetic)"
                props = {"name": [name], "birthDate": [_day(rng, 1950, 1995)]}
            else:
                name = _company(rng, n)
                props = {"name": [name], "jurisdiction": [rng.choice(COUNTRIES).lower()]}
                if rng.random() < 0.3:
                    props["alias"] = [f"{name.split(' (')[0]} alias (synthetic)"]
            props["country"] = [rng.choice(COUNTRIES).lower()]
            emit({"id": key, "schema": schema, "caption": name, "properties": props})
            if schema == "Company":
                companies.append(key)
            start = _day(rng)
            sanction = {"entity": [key], "authority": ["Bureau of Industry and Security"],
                        "country": ["us"], "program": ["Entity List"],
                        "startDate": [start]}  # fmt: skip
            if n in plants:
                sanction["endDate"] = [f"{int(start[:4]) - 1}{start[4:]}"]
            emit({"id": f"{key}-sanction", "schema": "Sanction", "caption": "Entity List",
                  "properties": sanction})  # fmt: skip
            if schema == "Company" and len(companies) > 1 and rng.random() < 0.1:
                owner = rng.choice(companies[:-1])
                emit({"id": f"own-{key}", "schema": "Ownership", "caption": "Ownership",
                      "properties": {"owner": [owner], "asset": [key], "percentage": ["100"],
                                     "startDate": [_day(rng)]}})  # fmt: skip
    return Generated(path, written, len(plants))
