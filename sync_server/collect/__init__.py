"""Collecting the ratings: pulling the kiosks, storing and checking what they send, their health
and the fleet."""
