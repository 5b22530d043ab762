"""hailong kiosk: the rating appliance at the counter.

Importing this package must never import Kivy or gpiozero: the pure core (flow, store,
protocol) is used by the server and by tests without a display.
"""

__version__ = "0.1.0"
