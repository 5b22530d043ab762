"""The pairing code: round trip, and a clear refusal of anything else."""

import pytest

from kiosk.shared.exc import PairingError
from kiosk.shared.pairing import Pairing, decode, encode, local_url

PAIR = Pairing("quay-1", "http://kiosk-quay1.local:8765", "tok-" + "x" * 28)


def test_round_trip_and_paste_tolerance():
    code = encode(PAIR)
    assert code.startswith("hl1-") and code == code.lower()
    assert decode(code) == PAIR
    # A paste that wrapped over lines or picked up spaces, or was upper-cased, still reads.
    wrapped = "\n  ".join(code[i:i + 20] for i in range(0, len(code), 20))
    assert decode(wrapped.upper().replace("HL1-", "hl1-")) == PAIR


@pytest.mark.parametrize("mangle, message", [
    (lambda c: c[:-5], "incomplete"),
    (lambda c: c[:10] + ("a" if c[10] != "a" else "b") + c[11:], "mistyped"),
    (lambda c: "hl2-" + c[4:], "starts with"),
    (lambda c: c + "!!", "copy it again"),
    (lambda c: "hl1-" + "a" * 2000, "too long"),
])
def test_damaged_codes_are_refused_with_a_reason(mangle, message):
    with pytest.raises(PairingError, match=message):
        decode(mangle(encode(PAIR)))


def test_local_url_prefers_a_fixed_address_then_mdns():
    assert local_url(8765, "192.168.1.20") == "http://192.168.1.20:8765"
    assert local_url(8765, "0.0.0.0").endswith(".local:8765")


@pytest.mark.parametrize("kiosk_id", ["-quay", ".quay", "_srv", "q" * 65])
def test_a_kiosk_id_no_kiosk_config_allows_is_refused(kiosk_id):
    # The same code pattern as the kiosk's [kiosk] id and the server's fleet form (CODE_RE):
    # such a code can only be made by hand, and is refused before the form is filled.
    with pytest.raises(PairingError, match="does not hold a kiosk id"):
        decode(encode(Pairing(kiosk_id, PAIR.url, PAIR.token)))
