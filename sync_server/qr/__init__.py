"""The citizens' QR page (no login), its single-use tickets, and the staff's posters."""
