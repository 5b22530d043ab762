"""Export a kiosk's store to one file, before re-imaging its card (docs/reimaging.md).

The file (format `hailong-kiosk-export`, version 1) is JSON Lines, UTF-8:

    line 1     the manifest: {"record": "manifest", ...}, including content_sha256
    then       every response exactly as stored (its canonical JSON, hash included), seq order
    then       every event: {"record": "event", ...}, seq order
    then       at most one {"record": "roster", "roster": {...}}
    then       the dossier codes the server has not acknowledged yet, seq order:
               {"record": "dossier", "seq": N, "uuid": "...", "code": "..."}

`content_sha256` is the SHA-256 of every byte after line 1. A file with dossier records is
format_version 2 (an older kiosk refuses it, saying to update, rather than drop the codes); one
without is version 1, as before. A response line never has a
"record" key, so `verify_chain(json.loads(line) for the response lines)` re-checks the chain
with the standard library alone. The file is written to a temporary name, flushed and renamed:
a pulled-out stick leaves the previous export whole. kiosk.restore reads it back.
"""


from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import peewee

from kiosk import __version__
from kiosk.shared import clock
from kiosk.shared.exc import TransferError
from kiosk.shared.protocol import (
    PROTOCOL_VERSION,
    canonical_json,
)
from kiosk.store import Store

FORMAT = "hailong-kiosk-export"
FORMAT_VERSION = 2  # 2: dossier records (written only when there are some)
PROGRESS_EVERY = 10_000

Progress = Callable[[str], None]


def no_progress(_: str) -> None:
    """The default `progress`: say nothing."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    manifest: dict[str, Any]

    def line(self) -> str:
        m = self.manifest
        seqs = f"seq {m['first_seq']}..{m['last_seq']}" if m["responses"] else "no responses"
        flag = "" if m["chain_ok"] else f" -- CHAIN BROKEN at seq {m['first_bad_seq']}, not importable"
        codes = f" and {m['dossiers']} dossier codes not yet acked" if m["dossiers"] else ""
        return (f"exported {m['responses']} responses ({seqs}, acked {m['acked_seq']}) and "
                f"{m['events']} events{codes} of store {m['store_id']} to {self.path}{flag}")


def export_name(kiosk_id: str, store_id: str, when: datetime) -> str:
    return f"hailong-{kiosk_id}-{store_id[:8]}-{when:%Y-%m-%d}.jsonl"


def _destination(dest: Path, kiosk_id: str, store_id: str, when: datetime) -> Path:
    if dest.is_dir():
        return dest / export_name(kiosk_id, store_id, when)
    if not dest.parent.is_dir():
        raise TransferError(f"{dest.parent} is not a directory (is the USB stick mounted?)")
    return dest


def _unacked_dossiers(store: Store) -> list[tuple[int, str, str]]:
    """(seq, uuid, code) of the dossier codes the server has not acknowledged: the store deletes
    a code once acked, so the filter only guards against carrying one the server already has."""
    rows = store.db.execute_sql("SELECT seq, uuid, code FROM dossier_link WHERE seq > ? ORDER BY seq",
                                (store.acked_seq(),))
    return [(int(seq), uuid, code) for seq, uuid, code in rows.fetchall()]


def _content(store: Store, roster: dict[str, Any] | None,
             dossiers: list[tuple[int, str, str]]) -> Iterator[bytes]:
    """The lines after the manifest, each ending in a newline."""
    for _seq, body in store.response_bodies():
        yield body.encode("utf-8") + b"\n"
    for event in store.iter_events():
        yield canonical_json({"record": "event", **event}) + b"\n"
    if roster is not None:
        yield canonical_json({"record": "roster", "roster": roster}) + b"\n"
    for seq, uuid, code in dossiers:
        yield canonical_json({"record": "dossier", "seq": seq, "uuid": uuid, "code": code}) + b"\n"


def export_store(store: Store, dest: Path | str, *, allow_broken: bool = False,
                 progress: Progress = no_progress, every: int = PROGRESS_EVERY,
                 now: datetime | None = None) -> ExportResult:
    """Write the whole store (responses, events, roster) to one export file, atomically.

    A broken chain is refused, naming the first bad seq; with `allow_broken` the file is
    written anyway for investigation, flagged `chain_ok: false` (and `import` refuses it).
    """
    when = now or datetime.now().astimezone()
    path = _destination(Path(dest), store.kiosk_id, store.store_id, when)
    try:  # logged first, so the file itself records that (and where) it was exported
        store.log_event("export", to=str(path.absolute()), last_seq=store.head()[0])
    except peewee.DatabaseError as e:  # a card that can no longer be written must still export
        progress(f"export: could not log the export event ({e}); exporting anyway")
    with store.snapshot():  # one consistent view, even while the kiosk keeps recording
        total = store.count()
        if total >= every:
            progress(f"export: verifying the chain of {total} responses")
        check = store.verify()
        if not check.ok and not allow_broken:
            raise TransferError(f"the store's chain is broken at seq {check.first_bad_seq} "
                                f"({check.problem}); nothing written. Run `hailong-kiosk verify`; "
                                "--allow-broken saves what is there, for investigation only")
        last_seq, head_hash = store.head()
        first = store.db.execute_sql("SELECT MIN(seq) FROM response").fetchone()[0]
        roster = store.roster()
        dossiers = _unacked_dossiers(store)
        digest = hashlib.sha256()
        for line in _content(store, roster, dossiers):
            digest.update(line)
        manifest = {
            "record": "manifest", "format": FORMAT, "format_version": FORMAT_VERSION if dossiers else 1,
            "protocol": PROTOCOL_VERSION, "software_version": __version__,
            "kiosk_id": store.kiosk_id, "store_id": store.store_id,
            "store_created_at": store.meta("created_at"),
            "responses": total, "events": store.event_count(),
            "first_seq": first, "last_seq": last_seq, "head_hash": head_hash,
            "acked_seq": store.acked_seq(), "dossiers": len(dossiers),
            "roster_version": roster.get("version") if roster else None,
            "chain_ok": check.ok, "first_bad_seq": check.first_bad_seq,
            "chain_problem": check.problem or None,
            "exported_at": clock.wall_clock_iso(),
            "content_sha256": digest.hexdigest(),
        }
        _write_atomically(path, canonical_json(manifest) + b"\n", _content(store, roster, dossiers),
                          manifest["content_sha256"], total, progress, every)
    return ExportResult(path, manifest)


def _write_atomically(path: Path, head: bytes, lines: Iterator[bytes], sha: str, total: int,
                      progress: Progress, every: int) -> None:
    """tmp file + fsync + rename + fsync of the directory: a stick pulled out at any moment
    leaves either the previous file or the complete new one, never a file that looks whole."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with open(tmp, "wb") as f:
            f.write(head)
            digest = hashlib.sha256()
            for n, line in enumerate(lines, 1):
                f.write(line)
                digest.update(line)
                if n % every == 0 and n <= total:
                    progress(f"export: {n} of {total} responses written ({100 * n // total}%)")
            if digest.hexdigest() != sha:  # cannot happen inside one snapshot; cheap to be sure
                raise TransferError("the store changed while it was being exported; try again")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass  # the stick is gone: there is nothing left to clean
        raise


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX: the directory entry is data of the directory)."""
    if os.name == "nt":  # pragma: no cover - the kiosk is Linux; Windows cannot open a directory
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems (older vfat drivers) refuse fsync on a directory
    finally:
        os.close(fd)
