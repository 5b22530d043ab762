"""The province hub (DESIGN.md §6, docs/hub.md, docs/protocol.md "Upstream"): a commune server
pushes what its kiosks sealed to the hub; the hub re-verifies every store's chain and stores it
through the same path a pull takes (sync_server.collect.ingest).

Commune side: `outbox` (what the hub does not hold yet, in batches), `push` (one push: status
first, then the batches), `schedule` (serve's background push). Hub side: `peers` (who may push,
their tokens), `receive` (a batch checked and stored), `snapshot` (the commune's roster and its
audited exclusions); `views` (the two endpoints). `wire`: the batch's format, both sides.
"""
