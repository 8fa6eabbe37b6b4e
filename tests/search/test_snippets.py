from partnerhub.search.query import parse
from partnerhub.search.snippets import highlighted, plain_marks, snippet


def stems(text):
    return parse(text).stems


def test_matching_words_are_marked_by_stem_in_either_language():
    assert (
        highlighted("Returns of migrants", stems("returning migrant"))
        == "<mark>Returns</mark> of <mark>migrants</mark>"
    )
    assert highlighted("Migrants rapatriés", stems("rapatriement")) == "Migrants <mark>rapatriés</mark>"


def test_everything_else_is_escaped():
    html = highlighted("<script>alert('border')</script> & more", stems("border"))
    assert html == "&lt;script&gt;alert(&#x27;<mark>border</mark>&#x27;)&lt;/script&gt; &amp; more"


def test_the_snippet_is_the_window_with_the_most_matches():
    words = [f"w{number}" for number in range(100)]
    words[60], words[62], words[10] = "border", "border", "border"
    text = " ".join(words)
    result = str(snippet(text, stems("border"), size=10))
    assert result.startswith("… ") and result.endswith(" …")
    assert result.count("<mark>border</mark>") == 2
    assert "w57" in result and "w10 " not in result


def test_a_short_text_is_whole_and_an_empty_one_stays_empty():
    assert str(snippet("Border police", stems("police"))) == "Border <mark>police</mark>"
    assert str(snippet("", stems("police"))) == ""


def test_offsets_of_the_marks():
    text = "Police at the border; border guards"
    assert [text[start:end] for start, end in plain_marks(text, stems("borders"))] == ["border", "border"]
