"""A response's canonical JSON at the hub's rate: orjson where it writes exactly the bytes
kiosk.shared.protocol.canonical_text writes, the standard library's encoder everywhere else.

The kiosk defines the canonical form (json, sort_keys, compact separators, ensure_ascii=False;
DESIGN.md §3) and stays stdlib only; a hub re-encodes every response of every commune to check its
hash, and orjson does it ~5× faster. They agree on what a response that passed
`validate_response` can hold, and only there: objects of string keys, strings (every code point
but a lone surrogate, written as UTF-8, the same escapes), integers within 64 bits, true, false,
null, and lists (tests/server/test_canonical_fast.py compares the two over every code point and
each such shape). So orjson is used only for a response whose keys are all the protocol's own
(whose values validate_response has checked), and anything orjson refuses (an integer beyond 64
bits, a lone surrogate) is written by the standard library; a key the protocol does not know
(whose value may be a float, where the two differ) is written by the standard library too. No Flask.
"""

from __future__ import annotations

from typing import Any

import orjson

from kiosk.shared.protocol import RESPONSE_KEYS, canonical_text

_PROTOCOL_KEYS = frozenset((*RESPONSE_KEYS, "yes_no"))


def response_text(r: dict[str, Any]) -> str:
    """canonical_text(r) of a response validate_response accepted."""
    if r.keys() <= _PROTOCOL_KEYS:
        try:
            return orjson.dumps(r, option=orjson.OPT_SORT_KEYS).decode("utf-8")
        except orjson.JSONEncodeError:
            pass
    return canonical_text(r)
