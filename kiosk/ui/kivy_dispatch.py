"""Hop from any thread to Kivy's main thread (imports only Kivy's clock, not the window)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock


def main_thread_dispatch(callback: Callable[..., Any]) -> Callable[..., None]:
    """Wrap `callback(*args)` so that it runs on Kivy's main thread, whoever calls it.

    gpiozero calls back on its own thread on real pins; Kivy and the store's connection are
    main-thread only. Clock.schedule_once is documented as thread-safe.
    """

    def dispatch(*args: Any) -> None:
        Clock.schedule_once(lambda _dt: callback(*args), 0)

    return dispatch
