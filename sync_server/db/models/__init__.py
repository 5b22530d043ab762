"""The server's tables (peewee). Times are naive UTC datetimes; `local_date` is the day in the
configured time zone, stored so that reports group by an indexed column and not by a function.

The tables by job, one module each (ratings, roster, reports, accounts, qr); this package is
where the rest of the server imports them from.
"""

from __future__ import annotations

from sync_server.db.models.accounts import AuditLog, User
from sync_server.db.models.base import BaseModel, utcnow
from sync_server.db.models.qr import Addendum, CitizenContact, QrRefusal, QrTicket
from sync_server.db.models.ratings import (
    Alert,
    Answer,
    ClockAnchor,
    Conflict,
    DossierLink,
    Epoch,
    Kiosk,
    PullLog,
    Response,
    YesNoAnswer,
)
from sync_server.db.models.reports import (
    OverdueMonth,
    Quota,
    RollupDay,
    RollupHour,
    RollupMonth,
    RollupUnitDay,
    RollupUnitMonth,
    ServiceAlert,
    YearlyText,
)
from sync_server.db.models.roster import (
    Counter,
    Field,
    FleetKiosk,
    KioskPoint,
    KioskSetting,
    Officer,
    Procedure,
    Questionnaire,
    ReceptionPoint,
    Setting,
    Unit,
)
from sync_server.db.models.upstream import Downstream, DownstreamRoster, UpstreamAck, UpstreamLog

ALL_MODELS = (Kiosk, Epoch, Response, Conflict, ClockAnchor, Answer, PullLog, Alert, User, AuditLog,
              Unit, Field, Officer, Procedure, Questionnaire, KioskSetting, Setting, RollupDay, RollupMonth,
              Counter, FleetKiosk, RollupHour, ServiceAlert, Quota, QrTicket, QrRefusal, Addendum,
              Downstream, DownstreamRoster, UpstreamAck, UpstreamLog,
              YesNoAnswer, CitizenContact, ReceptionPoint, KioskPoint, OverdueMonth, DossierLink,
              RollupUnitDay, RollupUnitMonth, YearlyText)

__all__ = ["ALL_MODELS", "Addendum", "Alert", "Answer", "AuditLog", "BaseModel", "CitizenContact",
           "ClockAnchor",
           "Conflict", "Counter", "DossierLink", "Downstream", "DownstreamRoster", "Epoch", "Field",
           "FleetKiosk", "Kiosk", "KioskPoint", "KioskSetting",
           "Officer", "OverdueMonth", "Procedure", "PullLog", "QrRefusal", "QrTicket", "Questionnaire",
           "Quota", "ReceptionPoint",
           "Response", "RollupDay", "RollupHour", "RollupMonth", "RollupUnitDay", "RollupUnitMonth",
           "ServiceAlert", "Setting", "Unit",
           "UpstreamAck", "UpstreamLog", "User", "YearlyText", "YesNoAnswer", "utcnow"]
