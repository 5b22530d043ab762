"""The roster: the unit, fields, procedures, officers and their photos, counters, questionnaires,
imports; what each kiosk receives."""
