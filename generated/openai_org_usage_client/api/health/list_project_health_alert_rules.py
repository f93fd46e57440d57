from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.health_alert_rule_list_response import HealthAlertRuleListResponse
from ...models.list_project_health_alert_rules_type import (
    ListProjectHealthAlertRulesType,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    *,
    enabled: bool | Unset = UNSET,
    limit: int | Unset = 20,
    page: str | Unset = UNSET,
    type_: ListProjectHealthAlertRulesType | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["enabled"] = enabled

    params["limit"] = limit

    params["page"] = page

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_

    params["type"] = json_type_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/organization/projects/{project_id}/health/alert_rules".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HealthAlertRuleListResponse | None:
    if response.status_code == 200:
        response_200 = HealthAlertRuleListResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[HealthAlertRuleListResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    enabled: bool | Unset = UNSET,
    limit: int | Unset = 20,
    page: str | Unset = UNSET,
    type_: ListProjectHealthAlertRulesType | Unset = UNSET,
) -> Response[HealthAlertRuleListResponse]:
    """Lists a project's health alert rules.

     Rules owned by one project, their filters bound to it. Pages may be empty while more follow.

    Args:
        project_id (str):
        enabled (bool | Unset):
        limit (int | Unset):  Default: 20.
        page (str | Unset):
        type_ (ListProjectHealthAlertRulesType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HealthAlertRuleListResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        enabled=enabled,
        limit=limit,
        page=page,
        type_=type_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient,
    enabled: bool | Unset = UNSET,
    limit: int | Unset = 20,
    page: str | Unset = UNSET,
    type_: ListProjectHealthAlertRulesType | Unset = UNSET,
) -> HealthAlertRuleListResponse | None:
    """Lists a project's health alert rules.

     Rules owned by one project, their filters bound to it. Pages may be empty while more follow.

    Args:
        project_id (str):
        enabled (bool | Unset):
        limit (int | Unset):  Default: 20.
        page (str | Unset):
        type_ (ListProjectHealthAlertRulesType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HealthAlertRuleListResponse
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        enabled=enabled,
        limit=limit,
        page=page,
        type_=type_,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    enabled: bool | Unset = UNSET,
    limit: int | Unset = 20,
    page: str | Unset = UNSET,
    type_: ListProjectHealthAlertRulesType | Unset = UNSET,
) -> Response[HealthAlertRuleListResponse]:
    """Lists a project's health alert rules.

     Rules owned by one project, their filters bound to it. Pages may be empty while more follow.

    Args:
        project_id (str):
        enabled (bool | Unset):
        limit (int | Unset):  Default: 20.
        page (str | Unset):
        type_ (ListProjectHealthAlertRulesType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HealthAlertRuleListResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        enabled=enabled,
        limit=limit,
        page=page,
        type_=type_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient,
    enabled: bool | Unset = UNSET,
    limit: int | Unset = 20,
    page: str | Unset = UNSET,
    type_: ListProjectHealthAlertRulesType | Unset = UNSET,
) -> HealthAlertRuleListResponse | None:
    """Lists a project's health alert rules.

     Rules owned by one project, their filters bound to it. Pages may be empty while more follow.

    Args:
        project_id (str):
        enabled (bool | Unset):
        limit (int | Unset):  Default: 20.
        page (str | Unset):
        type_ (ListProjectHealthAlertRulesType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HealthAlertRuleListResponse
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            enabled=enabled,
            limit=limit,
            page=page,
            type_=type_,
        )
    ).parsed
