"""FalkorDB's parameter header written by json.dumps (graph/falkor_params.py): the engine gets back
every value exactly as the client's own writer would give it, whatever the text holds."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peninsula.graph.falkor_params import client_header, params_header

text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
scalars = st.one_of(text, st.integers(-2**53, 2**53), st.booleans(), st.none(),
                    st.floats(allow_nan=False, allow_infinity=False, width=32))
keys = st.one_of(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), st.sampled_from(["@type", "a-b", "名前"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(keys, inner, max_size=4)), max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=values)
def test_the_engine_reads_the_value_as_from_the_clients_header(store, value):
    from peninsula.graph.falkor import _plain

    ours = store.query("RETURN $v AS v", {"v": value})[0]["v"]
    theirs = _plain(store.graph.ro_query("RETURN $v AS v", {"v": value}).result_set[0][0])
    assert ours == theirs
    assert ours == value or _has_float(value)


def _has_float(value) -> bool:
    """Floats come back at the store's 15 significant digits, either way."""
    if isinstance(value, float):
        return True
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return isinstance(value, dict) and any(_has_float(v) for v in value.values())


@pytest.mark.parametrize("value", [
    {"key": "stmt/1", "props": {"name": 'a "quoted" \\ backslash', "source": ["src/a", "src/b"], "n": 3}},
    ["북한", "조선", "x,\"k\":y"], {"date": "2017-07-04", "until": None}, 1.5, -7])
def test_plain_values_are_written_as_the_client_writes_them(value):
    """JSON differs from the client only in writing booleans in lower case (Cypher reads both)."""
    assert params_header({"v": value}) == client_header({"v": value})


@pytest.mark.parametrize("value", ["line\nbreak", "tab\there", "\x01", {"@type": "x"}, {"a-b": 1}, b"bytes"])
def test_what_json_would_write_otherwise_goes_to_the_client(value):
    assert params_header({"v": value}) == client_header({"v": value})


@pytest.mark.parametrize("value", [{"title": 'The limits of "strategic patience": how'}, ['x\\": y', 'a\\\\"'],
                                   {"k": '"b": 1'},
                                   [{"key": "s/1", "labels": ["Entity", "State"], "props": {"name": 'a":b', "n": [1, 2]}},
                                    {"key": "s/2", "labels": [], "props": {}}]])
def test_a_quote_and_colon_inside_a_string_does_not_send_the_batch_to_the_client(store, value, monkeypatch):
    """Only a quote that ends a map key needs the client's writer: a title quoting a phrase before a
    colon sent a whole reload batch of 10,000 rows through it (0.5 s at 1M triples)."""
    from peninsula.graph import falkor_params

    expected = client_header({"v": value})

    def refuse(params):
        raise AssertionError("went to the client's writer")

    monkeypatch.setattr(falkor_params, "client_header", refuse)
    assert params_header({"v": value}) == expected
    assert store.query("RETURN $v AS v", {"v": value})[0]["v"] == value


def test_a_key_ending_in_a_backslash_still_goes_to_the_client(store):
    """Its closing quote follows an escaped backslash: a key's end all the same."""
    value = {"a\\": 1, "b": 'c\\": d'}
    assert params_header({"v": value}) == client_header({"v": value})
    assert store.query("RETURN $v AS v", {"v": value})[0]["v"] == value
