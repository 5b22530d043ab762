"""hailong sync server: pulls the kiosks on the LAN, pushes the roster, shows staff pages.

Importing this package starts nothing: the pull loop runs only under `hailong-server serve`
or `hailong-server pull`.
"""

__version__ = "0.1.0"
