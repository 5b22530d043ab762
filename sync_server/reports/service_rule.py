"""The service-alert rule as configured ([alerts] in server.toml); the detection is in
sync_server.reports.service_alerts Kept apart so that the config does not import the database models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Rule:
    low_share: float = 0.5  # answers of 1–2 among all answers in the window
    window: timedelta = timedelta(minutes=15)
    min_responses: int = 4

    def describe(self) -> str:
        return (f"≥ {self.low_share * 100:.0f} % câu trả lời mức 1–2 trong "
                f"{self.window.total_seconds() / 60:.0f} phút, với ít nhất {self.min_responses} lượt")
