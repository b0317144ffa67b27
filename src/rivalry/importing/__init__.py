"""Importers for the list files curators already have (the US Consolidated Screening List,
FollowTheMoney entities as OpenSanctions publishes them): read into plain records, mapped
onto the ontology with existing entities reconciled, then merged through the gate."""
