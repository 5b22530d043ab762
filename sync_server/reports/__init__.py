"""What staff read: the figures and their rollups, the report pages and exports, service alerts,
quotas, the yearly report, the public board."""
