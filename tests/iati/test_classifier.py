"""The migration classifier: relevance, themes, explanations, term files, and real publishers' files."""

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from partnerhub.iati.classifier import (
    MIGRATION_PURPOSE_CODES,
    PURPOSE_CODES_FILE,
    REQUIRED_LANGUAGES,
    THEME_LISTS,
    THEME_THRESHOLD,
    THEMES_FILE,
    Classification,
    TermFileError,
    ThemeSuggestion,
    build_rules,
    classify,
    read_term_files,
    read_themes,
    rules,
)

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
COVID_PAGES = SHARED_DATA / "iati-activities" / "dportal-covid19-2021"
ACTIVITY_FILES = sorted(COVID_PAGES.glob("*.xml"))
needs_shared_data = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"the shared reference data ({SHARED_DATA}) is not on this machine"
)


def title(text: str) -> Classification:
    return classify([("title", text)], [])


def description(text: str) -> Classification:
    return classify([("description", text)], [])


# --- one positive and one negative example per language ----------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "theme"),
    [
        ("en", "Sustainable reintegration of returning migrants in Guinea", "RETURN-REINTEGRATION"),
        ("fr", "Appui à la réintégration des migrants de retour au Sénégal", "RETURN-REINTEGRATION"),
        ("es", "Lucha contra la trata de personas en Guatemala", "IRREG-THB"),
        ("de", "Förderung der Arbeitsmigration aus Marokko", "LEGAL-LABOUR"),
        ("it", "Rimpatrio volontario assistito dalla Libia", "RETURN-AVR"),
        ("pt", "Combate ao tráfico de seres humanos em Cabo Verde", "IRREG-THB"),
        ("nl", "Versterking van het grensbeheer in Niger", "IRREG-BORDER"),
        ("sv", "Bekämpning av människohandel i Moldavien", "IRREG-THB"),
    ],
)
def test_migration_title_in_each_language_is_relevant_with_its_theme(language, text, theme):
    result = title(text)

    assert result.is_migration
    assert theme in result.theme_codes


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Data migration of the land registry to the cloud"),
        ("fr", "Migration des données du cadastre et réintégration des ex-combattants"),
        ("es", "Distribución de remesas de vacunas en Bolivia"),
        ("de", "Datenmigration in das neue Buchhaltungssystem"),
        ("it", "Costruzione di un asilo nido a Tunisi"),
        ("pt", "Migração de dados para a nuvem do ministério"),
        ("nl", "Datamigratie van het kadaster naar de cloud"),
        ("sv", "Skydd av flyttfåglar längs kusten"),
    ],
)
def test_unrelated_title_in_each_language_is_not_relevant(language, text):
    result = title(text)

    assert not result.is_migration
    assert result.themes == [] and result.reasons == []


def test_every_required_language_has_a_term_file():
    languages = {term_file.language for term_file in read_term_files()}

    assert set(REQUIRED_LANGUAGES) <= languages


# --- false-positive guards -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Data migration to the new financial management system",
        "Database migration and server consolidation",
        "Monitoring of bird migration along the Rift Valley",
        "Migration to the cloud of the ministry's e-mail",
        "Conservation of migratory birds and wetlands",
        "Control of migratory locusts in the Sahel",
        "Return on investment of the vaccination campaign",
        "Children returned to school after the lockdown",
        "Fight against drug trafficking and arms trafficking",
        "Disarmament, demobilisation and reintegration of ex-combatants",
        "Reintegration of former prisoners into the labour market",
        "The International Organization for Migration supports the cholera response",
        "IDPS,Refugees,Returnees",
        "Food assistance to refugees in the camps",
        "Involuntary resettlement of households affected by the dam",
        "Treatment of migraine in primary care",
        "Visa du contrôleur financier sur les engagements",
        "Reduction of hospital readmission rates",
    ],
)
def test_words_that_only_look_like_migration_do_not_count(text):
    assert not description(text).is_migration


def test_a_guard_phrase_does_not_hide_real_migration_terms_nearby():
    result = description("Data migration for the registry of migrant workers")

    assert result.is_migration
    assert result.reasons == ["'migrant workers' in description"]


def test_contextual_term_alone_is_not_enough_but_names_the_theme_of_a_migration_activity():
    survivors = description("Reintegration support for survivors")
    migrants = description("Reintegration support for migrants")

    assert not survivors.is_migration
    assert migrants.reasons == ["'migrants' in description"]
    assert migrants.theme_codes == ["RETURN-REINTEGRATION"]


# --- purpose codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("15190", "Facilitation of orderly, safe, regular and responsible migration and mobility"),
        ("15136", "Immigration"),
    ],
)
def test_migration_purpose_code_makes_any_activity_relevant(code, name):
    result = classify([("title", "Improving epidemiological surveillance")], ["12264", code])

    assert result.is_migration
    assert result.reasons == [f"purpose code {code} ({name})"]


def test_purpose_code_counts_without_any_text_and_with_stray_spaces():
    assert classify([], [" 15190 "]).is_migration
    assert classify([("title", ""), ("description", "")], ["15136"]).is_migration


def test_category_codes_and_general_sectors_do_not_count():
    assert not classify([("title", "Rule of law programme")], ["151", "15130", "72010", "13096"]).is_migration


def test_purpose_code_with_a_theme_explains_it():
    result = classify([("title", "Cheaper services for families")], ["24050"])

    assert result.themes == [
        ThemeSuggestion(
            "DEV-REMIT",
            Decimal("0.80"),
            "purpose code 24050 (Remittance facilitation, promotion and optimisation) → Remittances",
        )
    ]


@needs_shared_data
def test_purpose_code_fixture_names_match_the_reference_list():
    path = SHARED_DATA / "reference" / "migration_sector_codes.csv"
    with path.open(encoding="utf-8") as handle:
        reference = {
            row["code"]: row["name"]
            for row in csv.DictReader(line for line in handle if not line.startswith("#"))
            if row["kind"] == "crs_purpose_code"
        }
    with PURPOSE_CODES_FILE.open(encoding="utf-8") as handle:
        ours = {row["code"]: row["name"] for row in csv.DictReader(line for line in handle if not line.startswith("#"))}

    assert {"15190", "15136"} <= MIGRATION_PURPOSE_CODES == set(ours)
    assert all(reference[code] == name for code, name in ours.items())


# --- explanations and confidence -----------------------------------------------------------------


def test_explanation_quotes_the_word_as_written_its_field_and_the_theme_name():
    result = classify(
        [
            ("title", "Programme for migrants in the Sahel"),
            ("description", "Appui à la réintégration économique au Sénégal"),
        ],
        [],
    )

    assert result.reasons == ["'migrants' in title"]
    assert result.themes == [
        ThemeSuggestion(
            "RETURN-REINTEGRATION",
            Decimal("0.45"),
            "'réintégration' in description → Sustainable reintegration",
        )
    ]


def test_explanation_keeps_capitals_and_accents_of_the_text():
    result = title("RÉINTÉGRATION DURABLE DES MIGRANTS")

    assert result.themes[0].explanation == "'RÉINTÉGRATION DURABLE' in title → Sustainable reintegration"


def test_explanation_quotes_the_whole_compound_word():
    result = description("Beratung zur freiwilligen Rückkehr und Bekämpfung der Schleuserkriminalität")

    assert "'Schleuserkriminalität' in description → Fight against migrant smuggling" in [
        suggestion.explanation for suggestion in result.themes
    ]


def test_explanation_survives_text_whose_folded_form_is_longer():
    result = description("Straße der Migranten: Flüchtlingsschutz für Geflüchtete")

    assert "'Flüchtlingsschutz' in description" in result.themes[0].explanation


def test_title_evidence_weighs_more_than_description_evidence():
    in_title = classify([("title", "Voluntary return from Libya")], [])
    in_description = classify([("description", "Voluntary return from Libya")], [])

    assert in_title.themes[0].confidence > in_description.themes[0].confidence


def test_more_distinct_terms_give_more_confidence_capped_at_one():
    one = description("Assisted voluntary return")
    several = classify(
        [
            ("title", "Assisted voluntary return and voluntary humanitarian return (AVRR)"),
            ("description", "Voluntary repatriation; voluntary returns; assisted voluntary return"),
        ],
        ["93015"],
    )

    assert one.themes[0].confidence < several.themes[0].confidence <= Decimal(1)


def test_the_same_term_twice_is_one_piece_of_evidence():
    once = description("Labour migration.")
    twice = description("Labour migration. Labour migration again.")

    assert once.themes == twice.themes


def test_a_term_in_title_and_description_counts_once_at_its_title_weight():
    result = classify([("title", "Voluntary return"), ("description", "More voluntary returns")], [])

    assert result.themes == [
        ThemeSuggestion("RETURN-AVR", Decimal("0.70"), "'Voluntary return' in title → Assisted voluntary return")
    ]
    assert result.reasons == ["'Voluntary return' in title", "'voluntary returns' in description"]


def test_a_supporting_word_alone_suggests_no_theme():
    result = description("Migrants and livelihoods")

    assert result.is_migration
    assert "DEV-JOBS" not in result.theme_codes


def test_supporting_words_add_up_to_a_theme():
    result = description("Migrants: livelihoods, job creation and value chains")

    assert "DEV-JOBS" in result.theme_codes


def test_broad_theme_gives_way_to_an_equally_sure_sub_theme():
    result = title("Return migration: voluntary return")

    assert "RETURN-AVR" in result.theme_codes
    assert "RETURN" not in result.theme_codes


def test_broad_theme_stays_when_it_is_surer_than_its_sub_theme():
    result = classify([("title", "Irregular migration"), ("description", "border management")], [])

    assert result.theme_codes == ["IRREG", "IRREG-BORDER"]


def test_activity_that_is_not_migration_relevant_gets_no_theme_suggestion():
    result = description("Livelihoods, job creation and value chains for farmers")

    assert result == Classification(is_migration=False, themes=[], reasons=[])


# --- properties ----------------------------------------------------------------------------------

MIGRATION_PHRASES = [
    "migrants",
    "labour migration",
    "réintégration des migrants",
    "Arbeitsmigration",
    "trata de personas",
    "rimpatrio volontario",
    "tráfico de seres humanos",
    "grensbeheer",
    "människohandel",
    "diaspora",
    "asylum seekers",
    "Migrationspolitik",
    "border management",
    "remittances",
    "brain drain",
]
# Words that are no term on their own; joined with ". " they cannot complete a phrase either.
FILLERS = ["village", "quality", "2021", "and", "the", "Mali", "pilot", "phase", "water", "région", "Straße"]


def _segments():
    return st.lists(st.sampled_from(MIGRATION_PHRASES + FILLERS), min_size=1, max_size=8)


def test_filler_words_match_no_term():
    assert [filler for filler in FILLERS if list(rules().scan(filler))] == []


@settings(max_examples=150, deadline=None)
@given(segments=_segments(), extra=st.lists(st.sampled_from(FILLERS), max_size=5), data=st.data())
def test_adding_unrelated_words_never_changes_the_result(segments, extra, data):
    longer = list(segments)
    for word in extra:
        longer.insert(data.draw(st.integers(0, len(longer))), word)

    assert description(". ".join(longer)) == description(". ".join(segments))


@settings(max_examples=150, deadline=None)
@given(segments=_segments())
def test_classification_ignores_letter_case(segments):
    text = ". ".join(segments)
    plain, shouted = description(text), description(text.upper())

    assert shouted.is_migration == plain.is_migration
    assert [(s.theme_code, s.confidence) for s in shouted.themes] == [
        (s.theme_code, s.confidence) for s in plain.themes
    ]
    assert [reason.casefold() for reason in shouted.reasons] == [reason.casefold() for reason in plain.reasons]


@settings(max_examples=150, deadline=None)
@given(segments=_segments(), codes=st.lists(st.sampled_from(["15190", "24050", "12264", "151", "93015"]), max_size=4))
def test_classification_is_deterministic_and_ignores_code_order(segments, codes):
    texts = [("title", segments[0]), ("description", ". ".join(segments))]

    assert classify(texts, codes) == classify(texts, codes)
    assert classify(texts, codes).theme_codes == classify(texts, list(reversed(codes))).theme_codes


ODD_PIECES = list("aeiou migrantsMIGRANTS-'’.\n\t") + ["é", "ß", "œ", "ﬁ", "e\u0301", "Ü", "İ", "ǅ", "\u00a0", "ő"]
ODD_TEXT = st.lists(st.sampled_from(ODD_PIECES), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=ODD_TEXT, suffix=st.sampled_from(["", " migrants", " réintégration des migrants", " Straßenmigranten"]))
def test_any_text_gives_a_sound_result_quoting_the_text_itself(text, suffix):
    original = text + suffix
    result = description(original)
    normalised = " ".join(original.split())

    assert result.is_migration or not result.themes
    for suggestion in result.themes:
        assert THEME_THRESHOLD <= suggestion.confidence <= 1
    for reason in result.reasons:
        quoted = reason.removeprefix("'").removesuffix("' in description")
        assert quoted in normalised


# --- the term files ------------------------------------------------------------------------------


def test_every_theme_code_in_the_term_files_exists_in_the_taxonomy():
    names, _parents = read_themes()

    for term_file in read_term_files():
        assert set(term_file.themes) <= set(names), term_file.path.name


@pytest.mark.parametrize("term_file", read_term_files(), ids=lambda term_file: term_file.language)
def test_every_theme_has_strong_terms_in_every_language(term_file):
    names, _parents = read_themes()
    without = [
        code
        for code in names
        if not term_file.themes.get(code, {}).get("specific") and not term_file.themes.get(code, {}).get("contextual")
    ]

    assert term_file.migration
    assert without == [], f"{term_file.path.name} has no specific or contextual terms for {without}"


@pytest.mark.parametrize("term_file", read_term_files(), ids=lambda term_file: term_file.language)
def test_term_file_explains_itself_to_a_coordinator(term_file):
    header = term_file.path.read_text(encoding="utf-8").split("\nlanguage:")[0]

    assert all(line.startswith("#") for line in header.splitlines())
    assert "How matching works" in header and "How a coordinator adds a term" in header
    assert set(yaml.safe_load(term_file.path.read_text(encoding="utf-8"))) <= {
        "language",
        "migration",
        "not_migration",
        "themes",
    }
    assert all(set(lists) <= set(THEME_LISTS) for lists in term_file.themes.values())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("language: xx\nthemes:\n  NOPE:\n    specific: [migrants]\n", "xx.yaml: unknown theme code NOPE"),
        (
            "language: xx\nmigration: ['mi*grants']\n",
            "xx.yaml: term 'mi*grants': '*' may only start a term or end a word",
        ),
        ("language: xx\nmigration: [yes]\n", "xx.yaml: term True is not text; put it in quotes"),
        ("language: xx\nthemes:\n  LEGAL: [legal migration]\n", "xx.yaml: theme LEGAL must hold lists named"),
        ("language: xx\nmigration: [migrants]\nnot_migration: [migrants]\n", "'migrants' is both a migration term"),
        ("language: [xx\n", "xx.yaml: not valid YAML"),
        (
            "language: xx\nthemes:\n  LEGAL:\n    specific: [legal pathways]\n    supporting: [legal pathways]\n",
            "xx.yaml: term 'legal pathways' is listed as specific and supporting for LEGAL",
        ),
    ],
)
def test_a_faulty_term_file_is_refused_with_a_message_naming_it(tmp_path, content, message):
    (tmp_path / "xx.yaml").write_text(content, encoding="utf-8")

    with pytest.raises(TermFileError, match=re.escape(message)):
        build_rules(tmp_path)


def test_term_files_of_a_coordinator_are_compiled_and_used(tmp_path):
    (tmp_path / "xx.yaml").write_text(
        "language: xx\nmigration: ['*wanderung*']\nthemes:\n  DEV-DIASPORA:\n    specific: [auslandsgemeinde*]\n",
        encoding="utf-8",
    )
    compiled = build_rules(tmp_path)

    assert [hit.original for hit in compiled.scan("Auswanderung und Auslandsgemeinden, Datenmigration")] == [
        "Auswanderung",
        "Auslandsgemeinden",
    ]


def _literal(term: str) -> str:
    return term.replace("*", "")


@pytest.mark.parametrize("term_file", read_term_files(), ids=lambda term_file: term_file.language)
def test_every_migration_and_specific_term_is_found_as_written(term_file):
    specific = [(code, term) for code, lists in term_file.themes.items() for term in lists.get("specific", [])]
    missed = [term for term in term_file.migration if not title(_literal(term)).is_migration]
    missed += [term for code, term in specific if code not in _theme_family(title(_literal(term)))]

    assert missed == []


@pytest.mark.parametrize("term_file", read_term_files(), ids=lambda term_file: term_file.language)
def test_every_contextual_term_suggests_its_theme_next_to_a_migration_word(term_file):
    contextual = [(code, term) for code, lists in term_file.themes.items() for term in lists.get("contextual", [])]
    missed = [
        term
        for code, term in contextual
        if code not in _theme_family(classify([("title", _literal(term)), ("description", "migrants")], []))
    ]

    assert missed == []


@pytest.mark.parametrize("term_file", read_term_files(), ids=lambda term_file: term_file.language)
def test_every_guard_phrase_cancels_what_it_contains(term_file):
    assert [phrase for phrase in term_file.not_migration if title(_literal(phrase)).is_migration] == []


def _theme_family(result: Classification) -> set[str]:
    """Suggested themes and their parents (a broad theme may give way to its sub-theme)."""
    parents = rules().theme_parents
    return set(result.theme_codes) | {parents[code] for code in result.theme_codes if code in parents}


def test_theme_names_come_from_the_registry_fixture():
    taxonomy = yaml.safe_load(THEMES_FILE.read_text(encoding="utf-8"))
    names, parents = read_themes()

    assert names["RETURN"] == "Return, readmission and reintegration"
    assert len(names) == len(taxonomy) + sum(len(entry.get("children", [])) for entry in taxonomy)
    assert parents["RETURN-AVR"] == "RETURN"


# --- real publishers' files ----------------------------------------------------------------------

SCREEN = re.compile(
    r"migra|migrant|reintegra|réintégr|diaspora|remittance|remesas|smuggl|talent partnership|asylum"
    r"|border management|returnee",
    re.IGNORECASE,
)
DAC_VOCABULARIES = {None, "1", "2"}


def _activities(path: Path):
    for _event, activity in etree.iterparse(str(path), tag="iati-activity", resolve_entities=False, no_network=True):
        texts = [("title", node.text or "") for node in activity.findall("title/narrative")]
        texts += [("description", node.text or "") for node in activity.findall("description/narrative")]
        sectors = [(sector.get("vocabulary"), sector.get("code") or "") for sector in activity.iter("sector")]
        yield (activity.findtext("iati-identifier") or "").strip(), texts, sectors
        activity.clear()


def _provenance_counts() -> dict[str, tuple[int, int]]:
    """(15190/15136 count, keyword-screen count) per file, from the table in PROVENANCE.md."""
    text = (SHARED_DATA / "iati-activities" / "PROVENANCE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (dportal_\d+\.xml) \|(?:[^|]*\|){4} (\d+) \| (\d+) \|", text, re.MULTILINE)
    return {name: (int(coded), int(screened)) for name, coded, screened in rows}


@needs_shared_data
@pytest.mark.parametrize("path", ACTIVITY_FILES or [None], ids=lambda path: getattr(path, "name", "absent"))
def test_real_file_keeps_every_activity_with_a_migration_purpose_code(path):
    coded = kept = screened = 0
    for identifier, texts, sectors in _activities(path):
        result = classify(texts, [code for vocabulary, code in sectors if vocabulary in DAC_VOCABULARIES])
        has_code = any(code in {"15190", "15136"} for _vocabulary, code in sectors)
        if has_code:
            coded += 1
            assert result.is_migration, identifier
        kept += result.is_migration
        screened += has_code or any(SCREEN.search(text) for _field, text in texts)

    expected_coded, provenance_screen = _provenance_counts()[path.name]
    print(
        f"{path.name}: purpose-coded {coded}, keyword screen {provenance_screen} "
        f"(recomputed {screened}), classifier keeps {kept}"
    )
    assert coded == expected_coded
    assert kept >= coded


@needs_shared_data
@pytest.mark.parametrize(
    "identifier",
    [
        "XI-IATI-EC_INTPA-2018/394-184",  # Spanish title, "personas migrantes"
        "XI-IATI-EC_NEAR-2020/418-249",  # EUROMED MIGRATION V
        "DK-CVR-20699310-DF221251",  # irregular, unsafe migration through Ethiopia
        "FI-3-2020- 2020000303",  # Venezuelan migrants in Colombia (the space is the publisher's)
    ],
)
def test_real_activities_named_in_the_provenance_notes_are_kept(identifier):
    found = [
        classify(texts, [code for _vocabulary, code in sectors])
        for path in ACTIVITY_FILES
        for found_id, texts, sectors in _activities(path)
        if found_id == identifier
    ]

    assert found and all(result.is_migration for result in found)


@needs_shared_data
def test_humanitarian_target_group_lists_alone_do_not_make_echo_activities_relevant():
    echo = [
        classify(texts, [code for _vocabulary, code in sectors])
        for _identifier, texts, sectors in _activities(COVID_PAGES / "dportal_72.xml")
    ]

    assert sum(result.is_migration for result in echo) < _provenance_counts()["dportal_72.xml"][1] / 4
