"""@mentions: the one parser of chat messages and card comments.

A mention is "@" + a username (letters of any script, digits, "_", ".", "+", "-") that does not
follow a word character, "@", "/" or "." (so e-mail addresses and URLs are not mentions), outside
Markdown code. Punctuation that ends the sentence ("@felix." "@felix-") is not part of the name
unless a member's username really ends with it.
"""
import re

MENTION_RE = re.compile(r"(?<![\w@/.])@(\w[\w.+-]*)")
CODE_RE = re.compile(r"(```[\s\S]*?```|`[^`\n]*`)")
TEAM_MENTIONS = {"team", "all"}
TRAILING = ".+-"


def outside_code(text, replace):
    """Apply `replace` to the parts of Markdown text that are not code."""
    parts = CODE_RE.split(text)
    return "".join(part if i % 2 else replace(part) for i, part in enumerate(parts))


def tokens(body):
    """The lower-cased words after each "@" outside code, trailing punctuation still attached."""
    return [match.group(1).lower() for match in MENTION_RE.finditer(CODE_RE.sub(" ", body or ""))]


def name(token, known):
    """The name of `known` (lower-cased) that a token stands for, or None."""
    token = token.lower()
    if token in known:
        return token
    stripped = token.rstrip(TRAILING)
    return stripped if stripped in known else None


def names(body_tokens, known):
    """The names of `known` mentioned by these tokens, each once, in order."""
    found = [name(token, known) for token in body_tokens]
    return list(dict.fromkeys(n for n in found if n))


def mark(text, known, wrap):
    """`text` (no code in it) with each mention of a known name replaced by wrap("@Name")."""
    def replace(match):
        found = name(match.group(1), known)
        if found is None:
            return match.group(0)
        return wrap("@" + match.group(1)[:len(found)]) + match.group(1)[len(found):]
    return MENTION_RE.sub(replace, text)
