"""Staff accounts: login, roles, users, the audit log."""
