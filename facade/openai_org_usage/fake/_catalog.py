"""Every operation the fake serves: the spec fragment's, each from a hand-made model or generic.

The list of operations is the fragment's (through ``openai_org_usage._operations``); an
operation with a hand-made model in :mod:`._ops` gets it, any other one is derived from its
result schema by :mod:`._generic`. A new operation in the fragment is therefore served as soon
as ``codegen.sh`` has regenerated the client, before anyone models it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Final

from ._generic import generic_operation, spec_operations
from ._ops import HAND_MADE, Operation


def operation_table(generic: Collection[str] = ()) -> Mapping[str, Operation]:
    """Operations by path (without ``/v1``); those named in ``generic`` are served generically.

    Raises ValueError for a name in ``generic`` that is not an operation of the fragment.
    """
    specs = spec_operations()
    unknown = sorted(set(generic) - {spec.name for spec in specs})
    if unknown:
        known = ", ".join(sorted(spec.name for spec in specs))
        raise ValueError(f"generic_operations: unknown operation(s) {unknown} (known: {known})")
    table: dict[str, Operation] = {}
    for spec in specs:
        hand_made = HAND_MADE.get(spec.path)
        if hand_made is None or spec.name in generic:
            hand_made = generic_operation(spec)
        table[spec.path] = hand_made
    # A hand-made model of an operation the package's description does not list (yet) is
    # still served: the fake may know an operation before the facade exposes it.
    for path, operation in HAND_MADE.items():
        table.setdefault(path, operation)
    return MappingProxyType(table)


OPERATIONS: Final[Mapping[str, Operation]] = operation_table()
"""Every operation the fake serves by default, by path (without the ``/v1`` prefix)."""
