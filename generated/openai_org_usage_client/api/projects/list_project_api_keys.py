from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_project_api_keys_owner_project_access import (
    ListProjectApiKeysOwnerProjectAccess,
)
from ...models.project_api_key_list_response import ProjectApiKeyListResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    *,
    limit: int | Unset = 20,
    after: str | Unset = UNSET,
    owner_project_access: ListProjectApiKeysOwnerProjectAccess | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["after"] = after

    json_owner_project_access: str | Unset = UNSET
    if not isinstance(owner_project_access, Unset):
        json_owner_project_access = owner_project_access

    params["owner_project_access"] = json_owner_project_access

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/organization/projects/{project_id}/api_keys".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProjectApiKeyListResponse | None:
    if response.status_code == 200:
        response_200 = ProjectApiKeyListResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ProjectApiKeyListResponse]:
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
    limit: int | Unset = 20,
    after: str | Unset = UNSET,
    owner_project_access: ListProjectApiKeysOwnerProjectAccess | Unset = UNSET,
) -> Response[ProjectApiKeyListResponse]:
    """Returns a list of API keys in the project.

     The keys usage rows name in `api_key_id`. An archived project may answer 400 or 403 instead.

    Args:
        project_id (str):
        limit (int | Unset):  Default: 20.
        after (str | Unset):
        owner_project_access (ListProjectApiKeysOwnerProjectAccess | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProjectApiKeyListResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        limit=limit,
        after=after,
        owner_project_access=owner_project_access,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    after: str | Unset = UNSET,
    owner_project_access: ListProjectApiKeysOwnerProjectAccess | Unset = UNSET,
) -> ProjectApiKeyListResponse | None:
    """Returns a list of API keys in the project.

     The keys usage rows name in `api_key_id`. An archived project may answer 400 or 403 instead.

    Args:
        project_id (str):
        limit (int | Unset):  Default: 20.
        after (str | Unset):
        owner_project_access (ListProjectApiKeysOwnerProjectAccess | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProjectApiKeyListResponse
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        limit=limit,
        after=after,
        owner_project_access=owner_project_access,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    after: str | Unset = UNSET,
    owner_project_access: ListProjectApiKeysOwnerProjectAccess | Unset = UNSET,
) -> Response[ProjectApiKeyListResponse]:
    """Returns a list of API keys in the project.

     The keys usage rows name in `api_key_id`. An archived project may answer 400 or 403 instead.

    Args:
        project_id (str):
        limit (int | Unset):  Default: 20.
        after (str | Unset):
        owner_project_access (ListProjectApiKeysOwnerProjectAccess | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProjectApiKeyListResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        limit=limit,
        after=after,
        owner_project_access=owner_project_access,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    after: str | Unset = UNSET,
    owner_project_access: ListProjectApiKeysOwnerProjectAccess | Unset = UNSET,
) -> ProjectApiKeyListResponse | None:
    """Returns a list of API keys in the project.

     The keys usage rows name in `api_key_id`. An archived project may answer 400 or 403 instead.

    Args:
        project_id (str):
        limit (int | Unset):  Default: 20.
        after (str | Unset):
        owner_project_access (ListProjectApiKeysOwnerProjectAccess | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProjectApiKeyListResponse
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            limit=limit,
            after=after,
            owner_project_access=owner_project_access,
        )
    ).parsed
