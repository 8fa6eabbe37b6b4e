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
    SHORT_TEXT_WORDS,
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


def reasons_of(result: Classification) -> list[str]:
    return [str(reason) for reason in result.reasons]


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
    assert reasons_of(result) == ["'migrant workers' in description"]


def test_contextual_term_alone_is_not_enough_but_names_the_theme_of_a_migration_activity():
    survivors = description("Reintegration support for survivors")
    migrants = description("Reintegration support for migrants")

    assert not survivors.is_migration
    assert reasons_of(migrants) == ["'migrants' in description"]
    assert migrants.theme_codes == ["RETURN-REINTEGRATION"]


# --- forced displacement, acronyms and organisation names ----------------------------------------


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "COVID-19 response for Rohingya refugees in Cox's Bazar"),
        ("en", "Emergency health services to IDPs and IDP returnees in West Guji"),
        ("en", "Humanitarian assistance to internally displaced persons in north-eastern Nigeria"),
        ("en", "Return assistance to stranded migrants in Niger"),
        ("fr", "Soutien à l'inclusion des réfugiés centrafricains dans l'Adamaoua"),
        ("fr", "Assistance aux PDI du Nord-Kivu"),
        ("es", "Atención a personas desplazadas por la violencia en Colombia"),
        ("de", "Gesundheitsversorgung für Binnenvertriebene und aufnehmende Gemeinden"),
        ("it", "Mezzi di sussistenza per i rifugiati siriani in Giordania"),
        ("pt", "Apoio a refugiados venezuelanos em Roraima"),
        ("nl", "Noodhulp voor ontheemden in Burkina Faso"),
        ("sv", "Stöd till flyktingar i Uganda"),
    ],
)
def test_a_title_about_refugees_or_displaced_people_is_kept_with_the_displacement_theme(language, text):
    result = title(text)

    assert result.is_migration
    assert "PROT-DISPLACEMENT" in result.theme_codes
    assert result.reasons and all(reason.field == "title" for reason in result.reasons)


@pytest.mark.parametrize("term_file", read_term_files(), ids=lambda term_file: term_file.language)
def test_every_title_term_keeps_a_title_but_not_a_description_alone(term_file):
    title_terms = [(code, term) for code, lists in term_file.themes.items() for term in lists.get("title", [])]
    missed = [term for code, term in title_terms if code not in _theme_family(title(_literal(term)))]
    kept_from_description = [term for _code, term in title_terms if description(_literal(term)).is_migration]

    assert missed == [] and kept_from_description == []


def test_points_of_entry_and_cross_border_movements_are_border_management():
    assert "IRREG-BORDER" in title("Improving Points of Entry Capacity to Address COVID-19").theme_codes
    assert "IRREG-BORDER" in description("Safe and orderly cross-border mobility in the Sahel").theme_codes
    assert not title("Cross-border trade facilitation").is_migration


@pytest.mark.parametrize(
    ("texts", "kept"),
    [
        ([("title", "EU4IBM Ukraine")], True),
        ([("title", "IBM in Central Asia"), ("description", "Support to the border agencies")], True),
        ([("title", "Support to IBM"), ("description", "Stärkung der Grenzpolizei")], True),
        ([("title", "IBM Watson analytics for district hospitals")], False),
        ([("title", "Cloud services from IBM"), ("description", "Servers and licences")], False),
        ([("title", "ibmx laboratory equipment")], False),
        ([("title", "IBMX and Ibm reagents")], False),
    ],
)
def test_the_ibm_acronym_counts_as_written_as_a_whole_word_and_only_with_borders(texts, kept):
    result = classify(texts, [])

    assert result.is_migration == kept
    assert ("IRREG-BORDER" in result.theme_codes) == kept


def test_an_acronym_is_quoted_whole_in_its_explanation():
    result = title("EU4IBM Ukraine")

    assert reasons_of(result) == ["'EU4IBM' in title"]
    assert result.themes[0].explanation == "'EU4IBM' in title → Border management"


@pytest.mark.parametrize(
    "text",
    [
        "Danish Refugee Council - COVID-19 Global Appeal",
        "Contribution to the Office of the United Nations High Commissioner for Refugees",
        "Core funding to the Norwegian Refugee Council",
        "Cholera response by the International Organization for Migration (IOM)",
        "Contribution au Haut-Commissariat des Nations unies pour les réfugiés",
        "Beitrag an das Flüchtlingshilfswerk der Vereinten Nationen",
    ],
)
def test_an_organisation_name_alone_is_no_reason(text):
    assert not title(text).is_migration


def test_the_subject_next_to_an_organisation_name_still_counts():
    result = title("United Nations High Commissioner for Refugees (UNHCR) - protection for refugees in Sudan")

    assert reasons_of(result) == ["'refugees' in title"]


# --- incidental words --------------------------------------------------------------------------

TOPICS = (
    "The institute's research grant covers governance, public health, agriculture, climate adaptation, "
    "gender equality, urbanisation, {word}, education, water management, energy access, digital inclusion, "
    "trade policy and the informal economy across the region, with doctoral fellowships and open data."
)


def test_migration_once_in_a_long_list_of_topics_does_not_keep_an_activity():
    texts = [("title", "Research grant to a policy institute"), ("description", TOPICS.format(word="migration"))]

    result = classify(texts, [])

    assert result == Classification(is_migration=False)


def test_a_second_mention_or_a_short_description_or_a_phrase_makes_it_the_subject():
    twice = description(TOPICS.format(word="migration") + " Migration is the focus of the second year.")
    short = description("Health services for migrants in Tunis.")
    phrase = description(TOPICS.format(word="labour migration"))

    assert reasons_of(twice) == ["'migration' in description", "'Migration' in description"]
    assert short.is_migration and phrase.is_migration


def test_reasons_say_which_words_in_which_field_and_which_codes():
    result = classify([("title", "Refugee camp health posts"), ("description", "For migrants in Chad.")], ["15190"])

    assert [reason.as_dict() for reason in result.reasons] == [
        {
            "kind": "code",
            "field": "sector",
            "text": "15190",
            "name": "Facilitation of orderly, safe, regular and responsible migration and mobility",
        },
        {"kind": "term", "field": "title", "text": "Refugee camp"},
        {"kind": "term", "field": "description", "text": "migrants"},
    ]


LONG_TEXT_FILLERS = ["village", "quality", "water", "pilot", "phase", "schools", "roads", "health", "energy", "2021"]
SINGLE_WORDS = ["migrants", "migration", "diaspora", "asylum", "remittances", "Arbeitsmigration", "emigrants"]


@settings(max_examples=100, deadline=None)
@given(
    words=st.lists(st.sampled_from(LONG_TEXT_FILLERS), min_size=SHORT_TEXT_WORDS + 1, max_size=80),
    single=st.sampled_from(SINGLE_WORDS),
    data=st.data(),
)
def test_one_single_word_in_a_long_description_never_keeps_and_a_second_mention_always_does(words, single, data):
    once, twice = list(words), list(words)
    once.insert(data.draw(st.integers(0, len(once))), single)
    twice.insert(data.draw(st.integers(0, len(twice))), single)
    twice.insert(data.draw(st.integers(0, len(twice))), data.draw(st.sampled_from(SINGLE_WORDS)))

    assert not description(" ".join(once)).is_migration
    assert description(" ".join(twice)).is_migration
    assert title(" ".join(once)).is_migration


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
    assert reasons_of(result) == [f"purpose code {code} ({name})"]


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

    assert reasons_of(result) == ["'migrants' in title"]
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
    result = description("Straße der Migranten: Flüchtlingsschutz für alle")

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
    assert reasons_of(result) == ["'Voluntary return' in title", "'voluntary returns' in description"]


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
    assert [reason.casefold() for reason in reasons_of(shouted)] == [reason.casefold() for reason in reasons_of(plain)]


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
    for reason in reasons_of(result):
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
        "acronyms",
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
            "language: xx\nacronyms:\n  ibm: {means: x, theme: LEGAL, strength: specific}\n",
            "xx.yaml: acronym 'ibm' must be letters and digits starting with a capital",
        ),
        (
            "language: xx\nacronyms:\n  IBM: {means: x, theme: NOPE, strength: specific}\n",
            "xx.yaml: acronym IBM: unknown theme code NOPE",
        ),
        (
            "language: xx\nacronyms:\n  IBM: {means: x, theme: LEGAL, strength: strong}\n",
            "xx.yaml: acronym IBM: strength must be one of specific, title, contextual, supporting",
        ),
        ("language: xx\nacronyms:\n  IBM: {theme: LEGAL}\n", "xx.yaml: acronym IBM needs 'means', 'theme'"),
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


def _target_group_lists(path: Path):
    """The narratives of each activity's description of type 3 (IATI DescriptionType: target groups)."""
    for _event, activity in etree.iterparse(str(path), tag="iati-activity", resolve_entities=False, no_network=True):
        yield [node.text or "" for node in activity.iterfind("description[@type='3']/narrative")]
        activity.clear()


@needs_shared_data
def test_humanitarian_target_group_lists_alone_do_not_make_echo_activities_relevant():
    lists = [texts for texts in _target_group_lists(COVID_PAGES / "dportal_72.xml") if texts]
    displaced = [texts for texts in lists if any(re.search(r"IDPS|Refugees", text) for text in texts)]
    descriptions_only = [
        classify([(field, text) for field, text in texts if field == "description"], [])
        for _identifier, texts, _sectors in _activities(COVID_PAGES / "dportal_72.xml")
    ]

    assert len(displaced) > 20
    assert not any(classify([("description", text) for text in texts], []).is_migration for texts in lists)
    assert sum(result.is_migration for result in descriptions_only) < _provenance_counts()["dportal_72.xml"][1] / 4
