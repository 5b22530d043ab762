"""hailong kiosk: the rating appliance at the counter.

Importing this package must never import Kivy or gpiozero: the pure core (flow, store) is
used by tests without a display, and the server imports the kiosk only through kiosk.shared
(docs/architecture.md).
"""

__version__ = "0.1.0"
