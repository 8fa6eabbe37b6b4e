from hypothesis import given
from hypothesis import strategies as st

from partnerhub.search.query import MAX_TERMS, parse, prefix_of


def words_of(query):
    return [[term.words for term in group] for group in query.groups]


def test_words_phrases_exclusions_and_or():
    query = parse('border "voluntary return" -police asylum OR refugees')
    assert words_of(query) == [[("border",)], [("voluntary", "return")], [("asylum",), ("refugees",)]]
    assert [term.words for term in query.excluded] == [("police",)]


def test_or_at_the_edges_and_lowercase_or_are_words():
    assert words_of(parse("OR border OR")) == [[("border",)]]
    assert words_of(parse("war or peace")) == [[("war",)], [("or",)], [("peace",)]]


def test_an_unclosed_quote_runs_to_the_end():
    assert words_of(parse('"voluntary return')) == [[("voluntary", "return")]]


def test_punctuation_is_text():
    assert words_of(parse("covid-19 (d'origine)")) == [[("covid", "19")], [("d", "origine")]]


def test_the_number_of_terms_is_limited():
    query = parse(" ".join(f"word{number}" for number in range(40)))
    assert len(query.terms) == MAX_TERMS and query.note


@given(st.text(max_size=300))
def test_the_parser_never_raises(text):
    query = parse(text)
    assert len(query.terms) + len(query.excluded) <= MAX_TERMS
    for term in query.terms:
        assert term.words and all(stem for stem in term.english + term.french)
    prefix_of(text)


@given(st.text(alphabet=st.sampled_from('ab "-OR()*:^'), max_size=60))
def test_the_parser_never_raises_on_operator_soup(text):
    parse(text)
