"""The environment, read strictly: django-environ for typed values, and
`envbool`, which refuses anything but True or False."""

from __future__ import annotations

import os

import environ

env = environ.Env()


def envbool(name: str, default: bool) -> bool:
    # django-environ reads "yes", "on", "1"... and treats any typo as False.
    # A typo in DEBUG or HTTPS must stop the process, not flip the setting.
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value not in ("True", "False"):
        raise ValueError(f"{name} must be True or False, not {value!r}")
    return value == "True"
