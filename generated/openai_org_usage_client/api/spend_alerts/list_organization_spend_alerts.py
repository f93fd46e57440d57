from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_organization_spend_alerts_order import (
    ListOrganizationSpendAlertsOrder,
)
from ...models.organization_spend_alert_list_resource import OrganizationSpendAlertListResource
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 20,
    order: ListOrganizationSpendAlertsOrder | Unset = "asc",
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order

    params["order"] = json_order

    params["after"] = after

    params["before"] = before

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/organization/spend_alerts",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> OrganizationSpendAlertListResource | None:
    if response.status_code == 200:
        response_200 = OrganizationSpendAlertListResource.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[OrganizationSpendAlertListResource]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    order: ListOrganizationSpendAlertsOrder | Unset = "asc",
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> Response[OrganizationSpendAlertListResource]:
    """Lists organization spend alerts.

     The organization's spend alerts, each a monthly threshold with the addresses it emails.

    Args:
        limit (int | Unset):  Default: 20.
        order (ListOrganizationSpendAlertsOrder | Unset):  Default: 'asc'.
        after (str | Unset):
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrganizationSpendAlertListResource]
    """

    kwargs = _get_kwargs(
        limit=limit,
        order=order,
        after=after,
        before=before,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    order: ListOrganizationSpendAlertsOrder | Unset = "asc",
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> OrganizationSpendAlertListResource | None:
    """Lists organization spend alerts.

     The organization's spend alerts, each a monthly threshold with the addresses it emails.

    Args:
        limit (int | Unset):  Default: 20.
        order (ListOrganizationSpendAlertsOrder | Unset):  Default: 'asc'.
        after (str | Unset):
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrganizationSpendAlertListResource
    """

    return sync_detailed(
        client=client,
        limit=limit,
        order=order,
        after=after,
        before=before,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    order: ListOrganizationSpendAlertsOrder | Unset = "asc",
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> Response[OrganizationSpendAlertListResource]:
    """Lists organization spend alerts.

     The organization's spend alerts, each a monthly threshold with the addresses it emails.

    Args:
        limit (int | Unset):  Default: 20.
        order (ListOrganizationSpendAlertsOrder | Unset):  Default: 'asc'.
        after (str | Unset):
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrganizationSpendAlertListResource]
    """

    kwargs = _get_kwargs(
        limit=limit,
        order=order,
        after=after,
        before=before,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    order: ListOrganizationSpendAlertsOrder | Unset = "asc",
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> OrganizationSpendAlertListResource | None:
    """Lists organization spend alerts.

     The organization's spend alerts, each a monthly threshold with the addresses it emails.

    Args:
        limit (int | Unset):  Default: 20.
        order (ListOrganizationSpendAlertsOrder | Unset):  Default: 'asc'.
        after (str | Unset):
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrganizationSpendAlertListResource
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            order=order,
            after=after,
            before=before,
        )
    ).parsed
