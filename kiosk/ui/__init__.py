"""The Kivy front end; nothing outside this package imports Kivy.

- `launch`: `hailong-kiosk run`'s composition root (`run_app`): store, controller and API first,
  then Kivy's config, then the app. It imports Kivy only inside its functions, once that config
  is written, so importing `launch` opens no window.
- `kivy_*`: the modules that import Kivy at their top (the App, the screens, the widgets, the
  test probes). Only `launch` imports them, after Kivy's config is written.
- `admin`, `cues`, `screen_model`, `strings`, `touch_guard`, `drm`: pure (no Kivy), tested
  without a display; the import-linter contracts in pyproject.toml keep them so.
"""
