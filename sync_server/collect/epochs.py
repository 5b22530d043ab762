"""A kiosk's epochs: one per store (SD card) it has shown the server; a new store opens a new
epoch and the old one is kept (DESIGN.md §4), with an alert saying what staff must check. No
Flask here."""

from __future__ import annotations

import json
from datetime import datetime

from sync_server.collect import checks
from sync_server.collect.alerts import raise_alert
from sync_server.collect.messages import Message, say
from sync_server.db import write_transaction
from sync_server.db.models import Epoch, Kiosk


def new_store_message(kiosk_id: str, store_id: str) -> list[Message]:
    """What staff must know when a kiosk shows up with another store: was the old card emptied?"""
    old = (Epoch.select().where((Epoch.kiosk_id == kiosk_id) & (Epoch.store_id != store_id))
           .order_by(Epoch.last_seen.desc()).first())
    parts = [say("new store %(store)s (card re-imaged or replaced?): a new epoch starts", store=store_id)]
    if old is None:
        return parts
    parts.append(say("the old store %(store)s is kept (seq 1-%(seq)s held)", store=old.store_id,
                     seq=old.last_seq))
    row = Kiosk.get_or_none(Kiosk.id == kiosk_id)
    try:
        last = json.loads(row.last_status) if row and row.last_status else {}
    except ValueError:
        last = {}
    reported = last.get("last_seq") if last.get("store_id") == old.store_id else None
    if checks.is_int(reported) and reported > old.last_seq:
        missing = last["last_seq"] - old.last_seq
        parts.append(say("the old card last reported seq %(seq)s: %(n)s response(s) were never pulled — "
                         "recover them from the old card (hailong-kiosk export)", seq=last["last_seq"],
                         n=missing))
    return parts


def open_epoch(kiosk_id: str, store_id: str, now: datetime) -> tuple[Epoch, bool]:
    this = (Epoch.kiosk_id == kiosk_id) & (Epoch.store_id == store_id)
    with write_transaction():
        epoch = Epoch.get_or_none(this)
        if epoch is not None:
            return epoch, False
        message = new_store_message(kiosk_id, store_id)
        had_one = Epoch.select().where(Epoch.kiosk_id == kiosk_id).exists()
        # Two first pulls at once (serve's loop and a cron `pull --once`): one creates it.
        made = Epoch.insert(kiosk_id=kiosk_id, store_id=store_id, first_seen=now,
                            last_seen=now).on_conflict_ignore().execute()
        if made and had_one:
            raise_alert(kiosk_id, "new_store", message, "", now)
        return Epoch.get(this), bool(made) and had_one
