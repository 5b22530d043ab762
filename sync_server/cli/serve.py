"""`hailong-server serve`, `pull`, `push`, `pair-hub`: the server running, and its links to the kiosks
and to the province hub."""

from __future__ import annotations

import argparse
import signal
import sys
import time

from sync_server import __version__
from sync_server.cli.common import EXIT_CONFIG, fail, interrupt, load
from sync_server.cli.upkeep import retention, scan_alerts
from sync_server.db import init_db
from sync_server.roster import kiosks as fleet


def cmd_serve(args: argparse.Namespace) -> int:
    from waitress.server import create_server

    from sync_server.app import create_app
    from sync_server.collect.loop import PullLoop
    from sync_server.ops.retention import RetentionLoop
    from sync_server.upstream.schedule import PushLoop
    from sync_server.upstream.wire import MAX_BATCH_BYTES

    cfg = load(args)
    app = create_app(cfg)
    host = args.host or cfg.host
    port = cfg.port if args.port is None else args.port
    # waitress reads a whole request before the app sees it: a body larger than the largest the
    # app takes (a hub's batch) is refused (413) as soon as its Content-Length is read.
    server = create_server(app, host=host, port=port, threads=8, ident="hailong-server",
                           max_request_body_size=MAX_BATCH_BYTES + 1)
    # A scan cut short by a stop (after a pull's commit, before its scan) is caught up here.
    scan_alerts(cfg, days=2)
    # server.toml's kiosks and those added on the web (re-read by the loop as they change).
    loop = None if args.no_pull else PullLoop(cfg, kiosks=lambda: fleet.current(cfg)).start()
    pusher = PushLoop(cfg).start() if cfg.upstream is not None else None  # [upstream]: to the hub
    # Personal data past its period (names and phones, dossier codes); the ratings stay.
    purger = RetentionLoop([(name, job) for name, (_line, job) in retention(cfg).items()]).start()
    signal.signal(signal.SIGTERM, interrupt)  # systemd and NSSM stop with SIGTERM
    # Ctrl-C stops it even when started from a background shell, which hands its children SIGINT
    # ignored (Python then installs no handler: `serve` kept pulling after Ctrl-C, field test).
    signal.signal(signal.SIGINT, interrupt)
    print(f"hailong-server {__version__}: http://{host}:{server.effective_port}/ "  # type: ignore[union-attr]
          f"({len(fleet.current(cfg))} kiosk(s), pull every {cfg.pull_interval_s:g} s)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        if loop is not None:
            loop.stop()
        if pusher is not None:
            pusher.stop()
        purger.stop()
        server.close()
    print("hailong-server: stopped", flush=True)
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    from sync_server.collect.loop import PullLoop
    from sync_server.collect.puller import pull_all

    cfg = load(args)
    init_db(cfg)
    kiosks = fleet.current(cfg)
    if not kiosks:
        print(f"no kiosks in {cfg.path} (add [[kiosks]] tables) nor added on the web")
        return 0
    if args.once:
        for result in pull_all(cfg, kiosks=kiosks):
            print(result.line(), flush=True)
        return 0
    signal.signal(signal.SIGTERM, interrupt)
    loop = PullLoop(cfg, kiosks=lambda: fleet.current(cfg)).start()
    try:
        while True:  # sleep in slices: Ctrl-C interrupts this on Windows too
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        loop.stop()
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    from sync_server.exc import Refused
    from sync_server.upstream.push import push_once

    cfg = load(args)
    if cfg.upstream is None:
        return fail(f"{cfg.path}: [upstream]: missing table (url, server_id, token of the province hub)",
                     EXIT_CONFIG)
    init_db(cfg)
    result = push_once(cfg, page=args.page)
    if result.status == "ok" and result.backlog == 0:
        print(result.line(), flush=True)
        return 0
    return fail(result.line(), Refused.exit_status if result.status == "refused" else 1)


def cmd_pair_hub(args: argparse.Namespace) -> int:
    from kiosk.shared.exc import PairingError
    from sync_server.upstream.pairing import pair

    cfg = load(args)
    try:
        p, held, text = pair(cfg, args.code, write=args.write)
    except PairingError as e:
        return fail(f"pair-hub: {e}", EXIT_CONFIG)
    print(f"pair-hub: the hub {p.url} knows {p.kiosk_id} ({held} store(s) held)", file=sys.stderr)
    if args.write:
        print(f"pair-hub: [upstream] added to {cfg.path}; restart hailong-server, then push --once",
              file=sys.stderr)
    else:
        print(text, end="", flush=True)
    return 0
