"""The ``admin`` group: one command per admin list and single-object read of the fragment.

Placeholder: filled in from the LISTS and OBJECTS tables.
"""

from __future__ import annotations

import click

from ._options import CONTEXT_SETTINGS


@click.group("admin", context_settings=CONTEXT_SETTINGS)
def admin_group() -> None:
    """The organization's admin reads: projects, users, keys, limits, alerts, audit logs."""
