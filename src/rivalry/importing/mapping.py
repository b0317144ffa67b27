"""Imported records as quads in one named graph: parties reconciled with the graph's
entities, listings as list designations (or, without a date, as "seen on the list on the
day it was retrieved"), ownership as tr:Ownership with its share (and, between companies,
a timed subsidiary relation), and one
``tr:ImportedRecord`` per record keeping its raw values beside what was made of it."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
import pyoxigraph as ox

from rivalry.importing.reconcile import Reconciler
from rivalry.importing.records import ListedOn, Parsed, Party, raw_json
from rivalry.kernel.names import normalise
from rivalry.kernel.namespaces import GRAPH, ID, TR, XSD
from rivalry.kernel.terms import rdf, rdfs, skos, tr, xsd
from rivalry.kernel.text import slug

WD = "http://www.wikidata.org/entity/"
CLASSES = {"firm": tr.Firm, "organisation": tr.Organisation, "person": tr.Person}
DECIMAL = ox.NamedNode(XSD + "decimal")


def issubclass_kind(kind: str, cls: str) -> bool:
    """Whether a minted party of this kind is an instance of the class."""
    return cls == CLASSES[kind] or (cls == tr.Organisation and kind == "firm")


# who publishes each format, and where
PUBLISHERS = {
    "csl": ("International Trade Administration", "body", "us-ita", tr.Agency,
            "https://www.trade.gov/consolidated-screening-list", tr.OfficialDocument,
            "Consolidated Screening List"),
    "ftm": ("OpenSanctions", "publisher", "opensanctions", tr.Organisation,
            "https://www.opensanctions.org/datasets/", tr.ReferenceWork,
            "OpenSanctions entities (FollowTheMoney)"),
}  # fmt: skip


@dataclass
class Mapped:
    graph: str
    quads: list[ox.Quad]
    matched: dict[str, str] = field(default_factory=dict)  # record key -> existing IRI
    minted: dict[str, str] = field(default_factory=dict)  # record key -> new IRI
    skipped: list[tuple[int, str]] = field(default_factory=list)


def ascii_slug(*names: str) -> str:
    """A key for an IRI from the first name with Latin letters; a hash if none has any."""
    for name in names:
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        if slug(plain):
            return slug(plain)
    return "x-" + hashlib.sha256(names[0].encode()).hexdigest()[:10]


class Mapper:
    def __init__(self, store: ox.Store, parsed: Parsed, path: Path, digest: str, retrieved: str,
                 url: str | None):  # fmt: skip
        family = parsed.fmt.split("-")[0]
        self.parsed, self.retrieved, self.reconciler = parsed, retrieved, Reconciler(store)
        source_id = f"import-{family}-{digest[:12]}"
        self.graph = ox.NamedNode(GRAPH + source_id)
        self.source = ox.NamedNode(f"{ID}source/{source_id}")
        self.quads: list[ox.Quad] = []
        self.mapped = Mapped(self.graph.value, self.quads, skipped=list(parsed.skipped))
        self.parties: dict[str, ox.NamedNode] = {}
        self._minted: dict[ox.NamedNode, set[str]] = {}  # new entity -> its names so far
        self._describe_source(family, path, digest, url)

    def add(self, s, p: str, o) -> None:
        self.quads.append(ox.Quad(s, ox.NamedNode(p), o, self.graph))

    def date(self, text: str) -> ox.Literal:
        return ox.Literal(text, datatype=ox.NamedNode(xsd.date))

    def _describe_source(self, family: str, path: Path, digest: str, url: str | None) -> None:
        name, kind, key, cls, default_url, doc_class, title = PUBLISHERS[family]
        publisher = self.reconciler.by_names(tr.Organisation, [name])
        if publisher is None:
            publisher = ox.NamedNode(f"{ID}{kind}/{key}")
            self.add(publisher, rdf.type, ox.NamedNode(cls))
            self.add(publisher, rdfs.label, ox.Literal(name, language="en"))
            if cls == tr.Agency:
                self.add(publisher, tr.ofState, self.state("US"))
        s = self.source
        self.add(s, rdf.type, ox.NamedNode(doc_class))
        self.add(s, tr.url, ox.Literal(url or default_url, datatype=ox.NamedNode(xsd.anyURI)))
        self.add(s, tr.publisher, publisher)
        self.add(s, tr.title, ox.Literal(f"{title}: {path.name}", language="en"))
        self.add(s, tr.published, self.date(self.retrieved))
        self.add(s, tr.retrievedOn, self.date(self.retrieved))
        self.add(s, tr.importedFile, ox.Literal(path.name))
        self.add(s, tr.fileDigest, ox.Literal(f"sha256:{digest}"))
        self.add(s, tr.importFormat, ox.Literal(self.parsed.fmt))
        for listed in sorted(self.parsed.list_names):
            self.add(s, tr.sourceList, ox.Literal(listed))
        self.add(s, tr.describesGraph, self.graph)

    def state(self, code: str) -> ox.NamedNode:
        existing = self.reconciler.by_iso(code)
        if existing is not None:
            return existing
        state = ox.NamedNode(f"{ID}state/{code}")
        self.add(state, rdf.type, ox.NamedNode(tr.State))
        self.add(  # the code was checked on reading (records.country_code): it is known
            state,
            rdfs.label,
            ox.Literal(pycountry.countries.get(alpha_2=code).name, language="en"),  # type: ignore[union-attr]
        )
        self.add(state, tr.isoCode, ox.Literal(code))
        return state

    def record(self, key: str, line: int, raw: dict) -> ox.NamedNode:
        digest = hashlib.sha256(key.encode()).hexdigest()[:12]
        record = ox.NamedNode(f"{ID}record/{self.graph.value.removeprefix(GRAPH)}-{digest}")
        self.add(record, rdf.type, ox.NamedNode(tr.ImportedRecord))
        self.add(record, tr.recordId, ox.Literal(key))
        self.add(record, tr.recordLine, ox.Literal(str(line), datatype=ox.NamedNode(xsd.integer)))
        self.add(record, tr.rawRecord, ox.Literal(raw_json(raw)))
        self.add(record, tr.source, self.source)
        return record

    def run(self) -> Mapped:
        for party in self.parsed.parties.values():
            self.parties[party.key] = self._party(party)
        for listing in self.parsed.listings:
            self._listing(listing)
        for owns in self.parsed.ownerships:
            self._ownership(owns)
        # grouped by subject, so the merged file reads entity by entity
        self.quads[:] = sorted(set(self.quads), key=lambda q: (q.subject.value, str(q)))
        return self.mapped

    def _party(self, party: Party) -> ox.NamedNode:
        cls = CLASSES[party.kind]
        lookup = tr.Person if party.kind == "person" else tr.Organisation
        item = ox.NamedNode(WD + party.wikidata) if party.wikidata else None
        entity = (item and self.reconciler.by_wikidata(item)) or self.reconciler.by_names(
            lookup, party.names
        )
        record = self.record(party.key, party.line, party.raw)
        for name in party.names:
            self.add(record, tr.rawName, ox.Literal(name))
        if entity is not None:
            self.mapped.matched[party.key] = entity.value
            known = self.reconciler.names_of(entity)
        else:
            entity = ox.NamedNode(f"{ID}{party.kind}/{ascii_slug(*party.names)}")
            self.mapped.minted[party.key] = entity.value
            known = self._minted.setdefault(entity, set())
            if not known:  # several records of the file may name the same new entity
                known.add(normalise(party.names[0]))
                self.add(entity, rdf.type, ox.NamedNode(cls))
                self.add(entity, rdfs.label, ox.Literal(party.names[0]))
        for name in party.names:
            if normalise(name) not in known:
                known.add(normalise(name))
                self.add(entity, skos.altLabel, ox.Literal(name))
        self.add(record, tr.recordOf, entity)
        hq = ox.NamedNode(tr.headquarteredIn)
        if (
            party.kind != "person"
            and len(party.countries) == 1
            and not self.reconciler.has(entity, hq)
        ):
            self.add(entity, hq.value, self.state(party.countries[0]))
        exact = ox.NamedNode(skos.exactMatch)
        if item is not None and not any(
            q.object == item for q in self.reconciler.store.quads_for_pattern(entity, exact, None)
        ):
            self.add(entity, exact.value, item)
        return entity

    def _body(self, listing: ListedOn) -> ox.NamedNode:
        found = self.reconciler.by_names(tr.GovernmentBody, [listing.authority])
        if found is not None:
            return found
        key = listing.body_key or f"{listing.country.lower()}-{ascii_slug(listing.authority)}"
        body = ox.NamedNode(f"{ID}body/{key}")
        self.add(
            body,
            rdf.type,
            ox.NamedNode(TR + ("Agency" if listing.body_key else "GovernmentBody")),
        )
        self.add(body, rdfs.label, ox.Literal(listing.authority, language="en"))
        self.add(body, tr.ofState, self.state(listing.country))
        return body

    def _list(self, listing: ListedOn, body: ox.NamedNode) -> ox.NamedNode:
        found = self.reconciler.by_names(tr.ControlList, [listing.list_label])
        if found is not None:
            return found
        key = listing.list_key or f"{listing.country.lower()}-{ascii_slug(listing.list_label)}"
        control = ox.NamedNode(f"{ID}list/{key}")
        self.add(control, rdf.type, ox.NamedNode(tr.ControlList))
        self.add(control, rdfs.label, ox.Literal(listing.list_label, language="en"))
        self.add(control, tr.maintainedBy, body)
        return control

    def _listing(self, listing: ListedOn) -> None:
        party = self.parsed.parties[listing.party]
        entity = self.parties[listing.party]
        body = self._body(listing)
        control = self._list(listing, body)
        record = self.record(listing.key, listing.line, listing.raw)
        self.add(record, tr.recordOnList, control)
        self.add(record, tr.recordOf, entity)
        if party.kind == "person":
            return  # a person cannot be a designation's organisation; the record says it
        entity_key, list_key = _local(entity), _local(control)
        if listing.start:
            year = listing.start[:4]
            designation = ox.NamedNode(f"{ID}designation/{list_key}-{entity_key}-{year}")
            if not self.reconciler.known(designation):
                self.add(designation, rdf.type, ox.NamedNode(tr.ListDesignation))
                label = f"{party.names[0]} on the {listing.list_label} from {listing.start}"
                self.add(designation, rdfs.label, ox.Literal(label, language="en"))
            self.add(designation, tr.designates, entity)
            self.add(designation, tr.onList, control)
            self.add(designation, tr.issuedBy, body)
            self.add(designation, tr.effectiveOn, self.date(listing.start))
            if listing.end:
                self.add(designation, tr.rescindedOn, self.date(listing.end))
            self.add(record, tr.recordOf, designation)
            relation = ox.NamedNode(f"{ID}relation/{entity_key}-listed-on-{list_key}-{year}")
            dates = {"startDate": listing.start, "endDate": listing.end}
        else:
            relation = ox.NamedNode(
                f"{ID}relation/{entity_key}-listed-on-{list_key}-seen-{self.retrieved}"
            )
            dates, designation = {"pointInTime": self.retrieved}, None
        self._timed(relation, entity, tr.listedOn, control, dates, designation)
        self.add(record, tr.recordOf, relation)

    def _timed(self, relation, subject, prop: str, obj, dates: dict, instrument=None) -> None:
        if not self.reconciler.known(relation):
            self.add(relation, rdf.type, ox.NamedNode(tr.TimedRelation))
        self.add(relation, tr.relSubject, subject)
        self.add(relation, tr.relProperty, ox.NamedNode(prop))
        self.add(relation, tr.relObject, obj)
        for name, value in dates.items():
            if value:
                self.add(relation, TR + name, self.date(value))
        if instrument is not None:
            self.add(relation, tr.underInstrument, instrument)
        self.add(relation, tr.source, self.source)

    def _ownership(self, owns) -> None:
        """A tr:Ownership with the share and dates FollowTheMoney gives; between two
        companies also the timed tr:subsidiaryOf the exposure analysis walks."""
        owner, asset = self.parties[owns.owner], self.parties[owns.asset]
        if not self._is_a(owns.asset, asset, tr.Organisation):
            why = "only an organisation can be owned; the raw record is not imported"
            self.mapped.skipped.append((owns.line, f"{owns.key}: {why}"))
            return
        suffix = f"-{owns.start[:4]}" if owns.start else ""
        record = self.record(owns.key, owns.line, owns.raw)
        ownership = ox.NamedNode(f"{ID}relation/{_local(asset)}-owned-by-{_local(owner)}{suffix}")
        if not self.reconciler.known(ownership):
            self.add(ownership, rdf.type, ox.NamedNode(tr.Ownership))
        self.add(ownership, tr.owner, owner)
        self.add(ownership, tr.ownedAsset, asset)
        if owns.percentage is not None:
            self.add(ownership, tr.sharePercentage, ox.Literal(owns.percentage, datatype=DECIMAL))
        for prop, value in ((tr.startDate, owns.start), (tr.endDate, owns.end)):
            if value:
                self.add(ownership, prop, self.date(value))
        self.add(ownership, tr.source, self.source)
        self.add(record, tr.recordOf, ownership)
        if not (self._is_a(owns.owner, owner, tr.Firm) and self._is_a(owns.asset, asset, tr.Firm)):
            return  # a person's or a body's share is no subsidiary link
        relation = ox.NamedNode(
            f"{ID}relation/{_local(asset)}-subsidiary-of-{_local(owner)}{suffix}"
        )
        self._timed(relation, asset, tr.subsidiaryOf, owner,
                    {"startDate": owns.start, "endDate": owns.end})  # fmt: skip
        self.add(record, tr.recordOf, relation)

    def _is_a(self, key: str, entity: ox.NamedNode, cls: str) -> bool:
        if key in self.mapped.minted:
            return issubclass_kind(self.parsed.parties[key].kind, cls)
        return self.reconciler.is_a(entity, cls)


def _local(iri: ox.NamedNode) -> str:
    return iri.value.rpartition("/")[2]
