"""The whole URL map, for the tests that sweep it (roles, CSRF, NUL bytes): (rule, method) for every
rule, the URL of each, and everything a POST could change, to show that a refused one changed
nothing."""

from __future__ import annotations

from werkzeug.routing import Rule

from sync_server.db.models import (
    Alert,
    AuditLog,
    Counter,
    Field,
    FleetKiosk,
    Officer,
    Questionnaire,
    Quota,
    Response,
    ServiceAlert,
    Setting,
    User,
)
from sync_server.roster.build import current_version


def rules(app, args) -> list[tuple[Rule, str]]:
    """(rule, method) for every rule but the static files."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        missing = rule.arguments - args.keys()
        assert not missing, f"{rule}: give the test a value for {missing}"
        out.extend((rule, method) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return out


def routes(app, args) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule but the static files."""
    adapter = app.url_map.bind("localhost")
    return [(rule.endpoint, method, adapter.build(rule.endpoint, {a: args[a] for a in rule.arguments}))
            for rule, method in rules(app, args)]


def state() -> tuple:
    """Everything a POST could change."""
    users = [(u.username, u.role, u.active, u.password_hash) for u in User.select().order_by(User.id)]
    excluded = [r.excluded for r in Response.select(Response.excluded).order_by(Response.id)]
    roster = ([(o.code, o.name, o.active, o.fields, o.photo_file)
               for o in Officer.select().order_by(Officer.code)],
              [(f.code, f.name) for f in Field.select()], [(c.code, c.officers) for c in Counter.select()],
              [(q.id, q.active) for q in Questionnaire.select()],
              [(k.id, k.url, k.token, k.retired) for k in FleetKiosk.select()], current_version())
    return (users, [a.resolved for a in Alert.select().order_by(Alert.id)], AuditLog.select().count(),
            excluded, roster, [q.id for q in Quota.select()], [a.comment for a in ServiceAlert.select()],
            [(s.key, s.value) for s in Setting.select().order_by(Setting.key)])
