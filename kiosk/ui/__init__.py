"""The Kivy front end. Only `kiosk.ui.app` imports Kivy; nothing outside this package does."""
