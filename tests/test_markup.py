"""User text → HTML: plain one-line text skips the Markdown parser and must come out exactly as the parser
would render it; everything else goes through Markdown and the sanitiser."""
import string

from hypothesis import example, given, settings
from hypothesis import strategies as st

from teams.markup import PLAIN_TEXT, _render, render_markdown

PUNCTUATION = " .,;:!?'\"()/%+=@$€§–—…|-"
# Letters and digits of several scripts, the plain punctuation, and characters that must leave the fast path.
ALPHABET = st.one_of(st.characters(categories=["L", "N"]), st.sampled_from(PUNCTUATION),
                     st.sampled_from(string.punctuation + "\n\t\u00a0\u0301_*`[]<>&#\\~"))


@settings(max_examples=3000, deadline=None)
@given(st.text(ALPHABET, max_size=40))
@example("He said \"hi\" (50% off) - ok?")
@example("Grüße aus Berlin — 10:30 | Raum 2…")
@example("x  y")
def test_plain_text_renders_as_markdown_would(text):
    assert str(render_markdown(text)) == str(_render(text))


@settings(max_examples=3000, deadline=None)
@given(st.text(st.one_of(st.characters(categories=["L", "N"]), st.sampled_from(PUNCTUATION)), min_size=1,
               max_size=60))
def test_text_of_plain_characters_renders_as_markdown_would(text):
    # Mostly the fast path (whatever starts with a letter and does not end in a space).
    assert str(render_markdown(text)) == str(_render(text))


def test_what_takes_the_fast_path():
    for plain in ("Hello", "Hello, world!", "See you at 10:30", "ok | fine", "Straße 5"):
        assert PLAIN_TEXT.fullmatch(plain), plain
    for marked in ("1. item", "- item", "# title", "a *b*", "a_b", "a & b", "a <b>", "two\nlines", "end  ",
                   "[link](x)", "`code`", "", " leading"):
        assert not PLAIN_TEXT.fullmatch(marked), marked
