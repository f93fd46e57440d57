"""What an attribution hands back: its rows, its totals per currency, and name sources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final, Protocol

import attrs

from ._errors import MixedCurrencyError

__all__ = [
    "BILLED_UNITS",
    "NAME_KINDS",
    "Attribution",
    "AttributionRow",
    "AttributionTotals",
    "GroupValue",
    "MappingNames",
    "Names",
    "group_sort_key",
]

NAME_KINDS: Final = frozenset({"project_id", "user_id", "api_key_id", "service_account_id"})
"""Grouping fields whose values a name source resolves."""

BILLED_UNITS: Final = "usd"
"""The currency of the list prices (and so of the estimates, and of all attributed spend)."""


class Names(Protocol):
    """A source of names for IDs (the directory, or a mapping in tests)."""

    def name(self, kind: str, id: str) -> str | None:
        """The name of ``id`` (``kind``: ``project_id``, ``user_id`` ...), if known."""
        ...

    def label(self, kind: str, id: str) -> str:
        """What a person reads for ``id``: its name, else another handle, else the id."""
        ...


@attrs.frozen
class MappingNames:
    """Names from a plain mapping: ``{"user_id": {"user-abc": "Ada"}}``."""

    names: Mapping[str, Mapping[str, str]]

    def name(self, kind: str, id: str) -> str | None:
        """The mapped name, if any."""
        return self.names.get(kind, {}).get(id)

    def label(self, kind: str, id: str) -> str:
        """The mapped name, else the id."""
        return self.name(kind, id) or id


GroupValue = str | bool | None


def _read_only(totals: Mapping[str, AttributionTotals]) -> Mapping[str, AttributionTotals]:
    return MappingProxyType(dict(totals))


@attrs.frozen
class AttributionRow:
    """One row: spend of one group in one bucket, or a remainder of the bill.

    Attributes:
        start: Bucket start (UTC).
        end: Bucket end (UTC).
        group: The ``by`` fields and their values (None: not reported, or a remainder row
            that has no such value; a remainder keeps its ``project_id`` when grouped by it).
        estimated: List-price estimate of the group's usage (0 on a remainder row).
        attributed: Its share of the bill, in whole cents.
        currency: Of ``attributed`` (lowercase ISO 4217). Always ``usd`` on an attributed
            row (only USD bills are shared out); a remainder row's is its line item's.
        reason: On a remainder row, why it is not attributed; None otherwise.
        line_item: On a remainder row, the billed line item; None otherwise.
        project_id: On a remainder row, the billed project; None otherwise.
        unpriced: On an attributed row, usage it had that could not be priced (reasons).
    """

    start: datetime
    end: datetime
    group: Mapping[str, GroupValue]
    estimated: Decimal
    attributed: Decimal
    currency: str
    reason: str | None = None
    line_item: str | None = None
    project_id: str | None = None
    unpriced: tuple[str, ...] = ()

    @property
    def is_remainder(self) -> bool:
        """Whether this row is billed spend no group could be given."""
        return self.reason is not None


@attrs.frozen
class AttributionTotals:
    """Sums over an attribution in one currency (cents exact, but ``estimated``).

    The estimates are at list prices, which are in USD: in another currency the three
    estimate fields are zero (nothing billed in it is matched to usage).

    Attributes:
        billed: What the costs endpoint billed in ``currency``, rounded to the cent.
        estimated: List-price estimate of all priced usage (USD).
        attributed: Billed spend given to groups.
        remainder: Billed spend left as remainder rows; ``attributed + remainder == billed``.
        matched_billed: Billed amount of the line items matched to priced usage.
        matched_estimated: Estimate of the usage those line items were matched to.
        unbilled_estimate: Estimate of priced usage no billed line item matched (usage whose
            bill is in another currency included).
        currency: Of every amount here (lowercase ISO 4217: ``usd``, ``eur`` ...).
    """

    billed: Decimal
    estimated: Decimal
    attributed: Decimal
    remainder: Decimal
    matched_billed: Decimal
    matched_estimated: Decimal
    unbilled_estimate: Decimal
    currency: str = BILLED_UNITS

    @property
    def estimate_gap(self) -> float | None:
        """How far raw estimates fall from what was billed for the same line items, as a
        fraction of the bill (``-0.1``: estimates 10% below); None without a matched bill."""
        if not self.matched_billed:
            return None
        return float((self.matched_estimated - self.matched_billed) / self.matched_billed)


@attrs.frozen
class Attribution:
    """The result of :func:`attribute`.

    Money in two currencies is never added: totals are kept per currency, and the sums
    (:attr:`totals`, :meth:`by_group`, :meth:`remainder_by_reason`) take a ``currency``. With
    one currency (the usual case) they need none; with several, leaving it out raises
    :class:`~openai_org_usage.MixedCurrencyError` rather than adding them up::

        for currency, totals in result.totals_by_currency.items():
            print(currency, totals.billed)

    Attributes:
        by: The grouping fields, in the order asked.
        bucket_width: ``1d`` or ``1h``.
        rows: Attributed rows (bucket order, largest first), then remainder rows; each says
            its currency.
        totals_by_currency: Sums per currency (lowercase ISO 4217), ``usd`` first, then
            alphabetical; in each, ``attributed + remainder == billed``. ``usd`` is there
            whenever something was billed in it, usage was estimated, or nothing was billed.
        price_data: Where the list prices come from (``genai-prices 0.2.3``).
        names: The name source given, if any (labels and ``*_name`` columns).
    """

    by: tuple[str, ...]
    bucket_width: str
    rows: tuple[AttributionRow, ...]
    totals_by_currency: Mapping[str, AttributionTotals] = attrs.field(converter=_read_only)
    price_data: str
    names: Names | None = None

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies of the amounts, ``usd`` first, then alphabetical (``("usd",)``)."""
        return tuple(self.totals_by_currency)

    @property
    def currency(self) -> str:
        """The one currency of every amount (``usd``).

        Raises:
            MixedCurrencyError: The bill is in several currencies (see :attr:`currencies`).
        """
        return self._currency(None)

    @property
    def totals(self) -> AttributionTotals:
        """The sums, when everything is in one currency: ``totals_by_currency[currency]``.

        ``totals.attributed + totals.remainder == totals.billed`` to the cent.

        Raises:
            MixedCurrencyError: The bill is in several currencies: read
                :attr:`totals_by_currency` (no sum across currencies is ever made).
        """
        return self.totals_by_currency[self._currency(None)]

    def _currency(self, currency: str | None) -> str:
        """``currency`` (lowercased), or the only one when None; refuses to pick among several."""
        if currency is not None:
            return currency.lower()
        if len(self.totals_by_currency) == 1:
            return next(iter(self.totals_by_currency))
        raise MixedCurrencyError(
            self.currencies,
            hint="Amounts in different currencies are never added: read "
            "totals_by_currency[currency], or pass currency= to by_group and "
            "remainder_by_reason",
        )

    @property
    def attributed_rows(self) -> tuple[AttributionRow, ...]:
        """The rows that are not remainder."""
        return tuple(r for r in self.rows if not r.is_remainder)

    @property
    def remainder_rows(self) -> tuple[AttributionRow, ...]:
        """The remainder rows."""
        return tuple(r for r in self.rows if r.is_remainder)

    def by_group(
        self, currency: str | None = None
    ) -> list[tuple[Mapping[str, GroupValue], Decimal, Decimal]]:
        """``(group, estimated, attributed)`` over the whole range, largest spend first.

        Args:
            currency: Sum the rows in this currency (``usd``); None: the only one. Attributed
                rows are all ``usd`` (list prices are), so another currency gives ``[]``.

        Raises:
            MixedCurrencyError: ``currency`` is None and the bill is in several.
        """
        wanted = self._currency(currency)
        sums: dict[tuple[GroupValue, ...], list[Decimal]] = {}
        for row in self.attributed_rows:
            if row.currency != wanted:
                continue
            key = tuple(row.group.get(f) for f in self.by)
            acc = sums.setdefault(key, [Decimal(0), Decimal(0)])
            acc[0] += row.estimated
            acc[1] += row.attributed
        out = [(dict(zip(self.by, key, strict=True)), e, a) for key, (e, a) in sums.items()]
        return sorted(out, key=lambda t: (-t[2], -t[1], group_sort_key(t[0], self.by)))

    def remainder_by_reason(
        self, currency: str | None = None
    ) -> list[tuple[str, Decimal, tuple[str, ...]]]:
        """``(reason, amount, line items)`` over the whole range, largest first.

        Args:
            currency: Sum the remainder billed in this currency; None: the only one.

        Raises:
            MixedCurrencyError: ``currency`` is None and the bill is in several.
        """
        wanted = self._currency(currency)
        sums: dict[str, Decimal] = defaultdict(Decimal)
        items: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for row in self.remainder_rows:
            if row.currency != wanted:
                continue
            reason = row.reason or ""
            sums[reason] += row.attributed
            items[reason][row.line_item or ""] += row.attributed
        return sorted(
            (
                (
                    reason,
                    amount,
                    tuple(k for k, _ in sorted(items[reason].items(), key=lambda kv: -kv[1])),
                )
                for reason, amount in sums.items()
            ),
            key=lambda t: (-t[1], t[0]),
        )

    def label(self, kind: str, value: GroupValue) -> str | None:
        """What a person reads for a group value: its name if a name source knows it."""
        if value is None or isinstance(value, bool):
            return None if value is None else str(value).lower()
        if self.names is not None and kind in NAME_KINDS:
            return self.names.label(kind, value)
        return value

    def columns(self, *, names: bool = False) -> list[str]:
        """The keys of :meth:`to_records`, in order."""
        cols = ["bucket_start", "bucket_end"]
        for field in self.by:
            cols.append(field)
            if names and field in NAME_KINDS:
                cols.append(f"{field}_name")
        return [
            *cols,
            "estimated_cost",
            "attributed_cost",
            "currency",
            "unattributed_reason",
            "line_item",
            "billed_project_id",
        ]

    def to_records(self, *, names: bool = False) -> list[dict[str, Any]]:
        """One dict per row (:meth:`columns` keys): raw ids, ``Decimal`` amounts.

        Each record has its own ``currency``: sum ``attributed_cost`` per currency, never
        across them.

        Args:
            names: Add a ``<field>_name`` column after each id field (None when the name
                source does not know the id, or there is none).
        """
        out: list[dict[str, Any]] = []
        for row in self.rows:
            record: dict[str, Any] = {"bucket_start": row.start, "bucket_end": row.end}
            for field in self.by:
                value = row.group.get(field)
                record[field] = value
                if names and field in NAME_KINDS:
                    record[f"{field}_name"] = (
                        self.names.name(field, value)
                        if self.names is not None and isinstance(value, str)
                        else None
                    )
            record["estimated_cost"] = row.estimated
            record["attributed_cost"] = row.attributed
            record["currency"] = row.currency
            record["unattributed_reason"] = row.reason
            record["line_item"] = row.line_item
            record["billed_project_id"] = row.project_id
            out.append(record)
        return out


def group_sort_key(group: Mapping[str, GroupValue], fields: Sequence[str]) -> tuple[str, ...]:
    return tuple("" if group.get(f) is None else str(group.get(f)) for f in fields)
