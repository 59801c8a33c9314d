"""Income groups: a stated source, ISO3 codes, blocs expanded by date, unknown never guessed."""

from __future__ import annotations

import datetime as dt
import re
import tomllib

from policyspace.income_groups import DATA_FILE, IncomeGroup, classify_party, load_income_classification


def test_the_data_file_states_its_source_and_fiscal_year():
    source = load_income_classification().source
    assert source.publisher == "World Bank"
    assert source.fiscal_year == "FY2025"
    assert source.valid_from == dt.date(2024, 7, 1)
    assert "FY2025" in source.citation


def test_every_entry_is_an_iso3_code_with_one_of_the_four_groups():
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    groups = {g.value for g in IncomeGroup} - {"unknown"}
    for code, entry in data["economies"].items():
        assert re.fullmatch(r"[A-Z]{3}", code), code
        assert entry["income"] in groups, code
        assert entry["name"].strip(), code
    for code in data["not_classified"]:
        assert code not in data["economies"], f"{code} is both classified and not classified"


def test_known_parties_get_their_group():
    assert classify_party("ZMB").income_group == IncomeGroup.LOWER_MIDDLE
    assert classify_party("COD").income_group == IncomeGroup.LOW
    assert classify_party("ZAF").income_group == IncomeGroup.UPPER_MIDDLE
    assert classify_party("GBR").income_group == IncomeGroup.HIGH
    assert classify_party("zmb").name == "Zambia"
    assert classify_party("HND").is_lmic and not classify_party("CAN").is_lmic


def test_an_unlisted_code_is_unknown_with_a_reason_never_a_guess():
    profile = classify_party("XYZ")
    assert profile.income_group == IncomeGroup.UNKNOWN and not profile.is_lmic
    assert "not in the FY2025" in profile.note


def test_a_deliberately_unclassified_economy_says_why():
    venezuela = classify_party("VEN")
    assert venezuela.income_group == IncomeGroup.UNKNOWN
    assert "unclassified" in venezuela.note


def test_an_alias_maps_to_the_world_bank_code():
    kosovo = classify_party("RKS")
    assert kosovo.name == "Kosovo" and kosovo.income_group == IncomeGroup.UPPER_MIDDLE
    assert "XKX" in kosovo.note


def test_the_eu_expands_to_its_members_on_the_date_of_signature():
    eu_2003 = {m.code for m in classify_party("EU", dt.date(2003, 6, 1)).members}
    eu_2010 = {m.code for m in classify_party("EU", dt.date(2010, 6, 1)).members}
    eu_2024 = {m.code for m in classify_party("EU", dt.date(2024, 6, 1)).members}
    assert len(eu_2003) == 15 and "POL" not in eu_2003
    assert len(eu_2010) == 27 and "GBR" in eu_2010 and "HRV" not in eu_2010
    assert len(eu_2024) == 27 and "GBR" not in eu_2024 and "HRV" in eu_2024
    assert classify_party("EC", dt.date(1990, 1, 1)).is_bloc


def test_a_bloc_is_marked_as_a_bloc_with_unknown_own_group():
    sacu = classify_party("SACU", dt.date(2020, 1, 1))
    assert sacu.is_bloc and sacu.income_group == IncomeGroup.UNKNOWN
    assert {m.code for m in sacu.members} == {"BWA", "LSO", "NAM", "SWZ", "ZAF"}
    assert {m.code for m in sacu.economies()} == {"BWA", "LSO", "NAM", "SWZ", "ZAF"}
    ecowas = classify_party("ECOWAS")
    assert ecowas.is_bloc and ecowas.members == [] and "does not expand" in ecowas.note


def test_an_iso_code_wins_over_a_bloc_abbreviation():
    canada = classify_party("CAN")  # also the Andean Community's Spanish abbreviation
    assert canada.name == "Canada" and not canada.is_bloc and canada.income_group == IncomeGroup.HIGH
