"""Single-use tickets for the QR page (kiosk.shared.qrticket) and the kiosk's thanks screen using them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from kiosk.flow import Phase
from kiosk.shared import qrticket
from kiosk.ui import screen_model
from tests.support.kiosk_core import make, roster

KEY = "k" * 24


def test_a_ticket_names_its_issuer_and_time_and_is_signed_by_the_key():
    text = qrticket.make("quay-1", KEY, 1_700_000_000.9, nonce=bytes(range(16)))
    assert text.startswith("1~quay-1~AAECAwQFBgcICQoLDA0ODw~1700000000~")
    ticket = qrticket.parse(text)
    assert (ticket.issuer, ticket.issued, str(ticket)) == ("quay-1", 1_700_000_000, text)
    assert qrticket.signed_by(ticket, KEY)
    assert not qrticket.signed_by(ticket, "another-kiosk-token!!")


@pytest.mark.parametrize("change", [
    lambda parts: parts.__setitem__(1, "quay-2"),  # another issuer
    lambda parts: parts.__setitem__(3, str(int(parts[3]) + 3600)),  # a later time
    # another nonce (its first character changed, whatever it was)
    lambda parts: parts.__setitem__(2, ("B" if parts[2][0] != "B" else "C") + parts[2][1:]),
])
def test_changing_any_signed_part_breaks_the_signature(change):
    parts = qrticket.make("quay-1", KEY, 1_700_000_000).split("~")
    change(parts)
    assert not qrticket.signed_by(qrticket.parse("~".join(parts)), KEY)


@pytest.mark.parametrize("text", ["", "1~quay-1~abc", "2~quay-1~AAAAAAAAAAAAAAAAAAAAAA~1~AAAA",
                                  "1~bad id~AAAAAAAAAAAAAAAAAAAAAA~1~AAAA", "1~quay-1~short~1~AAAA",
                                  "1~quay-1~AAAAAAAAAAAAAAAAAAAAAA~-5~AAAA", "x" * 500])
def test_malformed_tickets_are_refused(text):
    with pytest.raises(qrticket.TicketError):
        qrticket.parse(text)


UUID = "0f8e4b1c-3a2d-4c5e-9f60-718293a4b5c6"


def test_a_version_2_ticket_names_the_response_it_follows_and_signs_it():
    text = qrticket.make("quay-1", KEY, 1_700_000_000, nonce=bytes(range(16)), response=UUID)
    assert text.startswith(f"2~quay-1~AAECAwQFBgcICQoLDA0ODw~1700000000~{UUID}~")
    ticket = qrticket.parse(text)
    assert (ticket.version, ticket.response, str(ticket)) == ("2", UUID, text)
    assert qrticket.signed_by(ticket, KEY)
    # Another response's uuid put in its place is a forgery: the uuid is signed with the rest.
    other = text.replace(UUID, "1" + UUID[1:])
    assert not qrticket.signed_by(qrticket.parse(other), KEY)
    # Nor does a version-1 signature carry over: dropping the uuid breaks it too.
    parts = text.split("~")
    assert not qrticket.signed_by(qrticket.parse("~".join(["1", *parts[1:4], parts[5]])), KEY)
    assert qrticket.parse(qrticket.make("quay-1", KEY, 1_700_000_000)).response is None


@pytest.mark.parametrize("text", [
    "2~quay-1~AAAAAAAAAAAAAAAAAAAAAA~1~AAAA",  # version 2 without its uuid
    f"2~quay-1~AAAAAAAAAAAAAAAAAAAAAA~1~{UUID.upper()}~AAAA",  # not the canonical form
    "2~quay-1~AAAAAAAAAAAAAAAAAAAAAA~1~not-a-uuid~AAAA",
    f"1~quay-1~AAAAAAAAAAAAAAAAAAAAAA~1~{UUID}~AAAA",  # version 1 does not carry one
    f"3~quay-1~AAAAAAAAAAAAAAAAAAAAAA~1~{UUID}~AAAA",
])
def test_malformed_version_2_tickets_are_refused(text):
    with pytest.raises(qrticket.TicketError):
        qrticket.parse(text)
    with pytest.raises(qrticket.TicketError):
        qrticket.make("quay-1", KEY, 1, response="not-a-uuid")


def test_two_tickets_differ_and_the_url_keeps_its_query():
    a = qrticket.ticket_url("http://10.0.0.2:5000/r/quay-1?lang=en", "quay-1", KEY, 1_700_000_000)
    b = qrticket.ticket_url("http://10.0.0.2:5000/r/quay-1?lang=en", "quay-1", KEY, 1_700_000_000)
    assert a != b
    query = parse_qs(urlsplit(a).query)
    assert query["lang"] == ["en"] and qrticket.signed_by(qrticket.parse(query["t"][0]), KEY)


def test_the_thanks_screen_shows_a_fresh_signed_ticket_per_response(store, fake_clock):
    r = roster()
    r["kiosk"]["qr_url"] = "http://10.0.0.2:5000/r/quay-1"
    store.save_roster(r)
    c = make(store, fake_clock)
    c.qr_ticket_key = KEY
    urls = []
    for _ in range(2):
        c.press(5, "touch")
        model = screen_model.build(c, "vi")
        assert model.phase is Phase.THANKS
        urls.append(model.qr_url)
        fake_clock.advance(5)
        c.tick()
    assert urls[0] != urls[1]
    stored = [r["uuid"] for r in store.responses_after(0, 10)]
    for url, response_uuid in zip(urls, stored, strict=True):
        # Version 2: the ticket follows the response just recorded (K8: no second rating).
        assert url.startswith("http://10.0.0.2:5000/r/quay-1?t=2~quay-1~")
        ticket = qrticket.parse(parse_qs(urlsplit(url).query)["t"][0])
        assert qrticket.signed_by(ticket, KEY)
        assert ticket.response == response_uuid


def test_without_a_key_the_thanks_screen_shows_the_plain_address(store, fake_clock):
    r = roster()
    r["kiosk"]["qr_url"] = "http://10.0.0.2:5000/r/quay-1"
    store.save_roster(r)
    c = make(store, fake_clock)
    c.press(4, "touch")
    assert screen_model.build(c, "vi").qr_url == "http://10.0.0.2:5000/r/quay-1"
