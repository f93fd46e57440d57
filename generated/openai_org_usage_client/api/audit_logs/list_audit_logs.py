from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_log_event_type import AuditLogEventType
from ...models.error_response import ErrorResponse
from ...models.list_audit_logs_effective_at import ListAuditLogsEffectiveAt
from ...models.list_audit_logs_response import ListAuditLogsResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    effective_at: ListAuditLogsEffectiveAt | Unset = UNSET,
    project_ids: list[str] | Unset = UNSET,
    event_types: list[AuditLogEventType] | Unset = UNSET,
    actor_ids: list[str] | Unset = UNSET,
    actor_emails: list[str] | Unset = UNSET,
    resource_ids: list[str] | Unset = UNSET,
    tenant_only: bool | Unset = False,
    limit: int | Unset = 20,
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_effective_at: dict[str, Any] | Unset = UNSET
    if not isinstance(effective_at, Unset):
        json_effective_at = effective_at.to_dict()
    if not isinstance(json_effective_at, Unset):
        params.update(json_effective_at)

    json_project_ids: list[str] | Unset = UNSET
    if not isinstance(project_ids, Unset):
        json_project_ids = project_ids

    params["project_ids[]"] = json_project_ids

    json_event_types: list[str] | Unset = UNSET
    if not isinstance(event_types, Unset):
        json_event_types = []
        for event_types_item_data in event_types:
            event_types_item: str = event_types_item_data
            json_event_types.append(event_types_item)

    params["event_types[]"] = json_event_types

    json_actor_ids: list[str] | Unset = UNSET
    if not isinstance(actor_ids, Unset):
        json_actor_ids = actor_ids

    params["actor_ids[]"] = json_actor_ids

    json_actor_emails: list[str] | Unset = UNSET
    if not isinstance(actor_emails, Unset):
        json_actor_emails = actor_emails

    params["actor_emails[]"] = json_actor_emails

    json_resource_ids: list[str] | Unset = UNSET
    if not isinstance(resource_ids, Unset):
        json_resource_ids = resource_ids

    params["resource_ids[]"] = json_resource_ids

    params["tenant_only"] = tenant_only

    params["limit"] = limit

    params["after"] = after

    params["before"] = before

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/organization/audit_logs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ListAuditLogsResponse | None:
    if response.status_code == 200:
        response_200 = ListAuditLogsResponse.from_dict(response.json())

        return response_200

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | ListAuditLogsResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    effective_at: ListAuditLogsEffectiveAt | Unset = UNSET,
    project_ids: list[str] | Unset = UNSET,
    event_types: list[AuditLogEventType] | Unset = UNSET,
    actor_ids: list[str] | Unset = UNSET,
    actor_emails: list[str] | Unset = UNSET,
    resource_ids: list[str] | Unset = UNSET,
    tenant_only: bool | Unset = False,
    limit: int | Unset = 20,
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> Response[ErrorResponse | ListAuditLogsResponse]:
    """List user actions and configuration changes within this organization.

     Who changed what and when: key, rate-limit, project and membership changes, logins, and more, one
    event each.

    Args:
        effective_at (ListAuditLogsEffectiveAt | Unset):
        project_ids (list[str] | Unset):
        event_types (list[AuditLogEventType] | Unset):
        actor_ids (list[str] | Unset):
        actor_emails (list[str] | Unset):
        resource_ids (list[str] | Unset):
        tenant_only (bool | Unset):  Default: False.
        limit (int | Unset):  Default: 20.
        after (str | Unset):
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ListAuditLogsResponse]
    """

    kwargs = _get_kwargs(
        effective_at=effective_at,
        project_ids=project_ids,
        event_types=event_types,
        actor_ids=actor_ids,
        actor_emails=actor_emails,
        resource_ids=resource_ids,
        tenant_only=tenant_only,
        limit=limit,
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
    effective_at: ListAuditLogsEffectiveAt | Unset = UNSET,
    project_ids: list[str] | Unset = UNSET,
    event_types: list[AuditLogEventType] | Unset = UNSET,
    actor_ids: list[str] | Unset = UNSET,
    actor_emails: list[str] | Unset = UNSET,
    resource_ids: list[str] | Unset = UNSET,
    tenant_only: bool | Unset = False,
    limit: int | Unset = 20,
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> ErrorResponse | ListAuditLogsResponse | None:
    """List user actions and configuration changes within this organization.

     Who changed what and when: key, rate-limit, project and membership changes, logins, and more, one
    event each.

    Args:
        effective_at (ListAuditLogsEffectiveAt | Unset):
        project_ids (list[str] | Unset):
        event_types (list[AuditLogEventType] | Unset):
        actor_ids (list[str] | Unset):
        actor_emails (list[str] | Unset):
        resource_ids (list[str] | Unset):
        tenant_only (bool | Unset):  Default: False.
        limit (int | Unset):  Default: 20.
        after (str | Unset):
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ListAuditLogsResponse
    """

    return sync_detailed(
        client=client,
        effective_at=effective_at,
        project_ids=project_ids,
        event_types=event_types,
        actor_ids=actor_ids,
        actor_emails=actor_emails,
        resource_ids=resource_ids,
        tenant_only=tenant_only,
        limit=limit,
        after=after,
        before=before,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    effective_at: ListAuditLogsEffectiveAt | Unset = UNSET,
    project_ids: list[str] | Unset = UNSET,
    event_types: list[AuditLogEventType] | Unset = UNSET,
    actor_ids: list[str] | Unset = UNSET,
    actor_emails: list[str] | Unset = UNSET,
    resource_ids: list[str] | Unset = UNSET,
    tenant_only: bool | Unset = False,
    limit: int | Unset = 20,
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> Response[ErrorResponse | ListAuditLogsResponse]:
    """List user actions and configuration changes within this organization.

     Who changed what and when: key, rate-limit, project and membership changes, logins, and more, one
    event each.

    Args:
        effective_at (ListAuditLogsEffectiveAt | Unset):
        project_ids (list[str] | Unset):
        event_types (list[AuditLogEventType] | Unset):
        actor_ids (list[str] | Unset):
        actor_emails (list[str] | Unset):
        resource_ids (list[str] | Unset):
        tenant_only (bool | Unset):  Default: False.
        limit (int | Unset):  Default: 20.
        after (str | Unset):
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ListAuditLogsResponse]
    """

    kwargs = _get_kwargs(
        effective_at=effective_at,
        project_ids=project_ids,
        event_types=event_types,
        actor_ids=actor_ids,
        actor_emails=actor_emails,
        resource_ids=resource_ids,
        tenant_only=tenant_only,
        limit=limit,
        after=after,
        before=before,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    effective_at: ListAuditLogsEffectiveAt | Unset = UNSET,
    project_ids: list[str] | Unset = UNSET,
    event_types: list[AuditLogEventType] | Unset = UNSET,
    actor_ids: list[str] | Unset = UNSET,
    actor_emails: list[str] | Unset = UNSET,
    resource_ids: list[str] | Unset = UNSET,
    tenant_only: bool | Unset = False,
    limit: int | Unset = 20,
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> ErrorResponse | ListAuditLogsResponse | None:
    """List user actions and configuration changes within this organization.

     Who changed what and when: key, rate-limit, project and membership changes, logins, and more, one
    event each.

    Args:
        effective_at (ListAuditLogsEffectiveAt | Unset):
        project_ids (list[str] | Unset):
        event_types (list[AuditLogEventType] | Unset):
        actor_ids (list[str] | Unset):
        actor_emails (list[str] | Unset):
        resource_ids (list[str] | Unset):
        tenant_only (bool | Unset):  Default: False.
        limit (int | Unset):  Default: 20.
        after (str | Unset):
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ListAuditLogsResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            effective_at=effective_at,
            project_ids=project_ids,
            event_types=event_types,
            actor_ids=actor_ids,
            actor_emails=actor_emails,
            resource_ids=resource_ids,
            tenant_only=tenant_only,
            limit=limit,
            after=after,
            before=before,
        )
    ).parsed
