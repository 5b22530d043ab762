"""The Kivy front end, and nothing outside this package imports Kivy.

- `launch`: `hailong-kiosk run`'s composition root (`run_app`): store, controller and API first,
  then Kivy's config, then the app. It imports Kivy only inside its functions, once the
  config is written, so importing it (as `hailong-kiosk status` does not even need to) opens
  no window.
- `kivy_*`: the modules that import Kivy at their top: the App, the screens, the widgets. Only
  `launch` imports them, after Kivy's config is written.
- `screen_model`, `strings`, `admin`, `touch_guard`, `drm`: pure (no Kivy), tested without a
  display; the import-linter contracts in pyproject.toml keep them so.
"""
