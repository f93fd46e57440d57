from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.project_rate_limit_list_response import ProjectRateLimitListResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    *,
    limit: int | Unset = 100,
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["after"] = after

    params["before"] = before

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/organization/projects/{project_id}/rate_limits".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProjectRateLimitListResponse | None:
    if response.status_code == 200:
        response_200 = ProjectRateLimitListResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ProjectRateLimitListResponse]:
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
    limit: int | Unset = 100,
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> Response[ProjectRateLimitListResponse]:
    """Returns the rate limits per model for a project.

     One entry per model: requests and tokens per minute, and where the model has them, images, audio
    megabytes, requests per day and batch input tokens. The SDK calls this `list_rate_limits`.

    Args:
        project_id (str):
        limit (int | Unset):  Default: 100.
        after (str | Unset):
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProjectRateLimitListResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        limit=limit,
        after=after,
        before=before,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> ProjectRateLimitListResponse | None:
    """Returns the rate limits per model for a project.

     One entry per model: requests and tokens per minute, and where the model has them, images, audio
    megabytes, requests per day and batch input tokens. The SDK calls this `list_rate_limits`.

    Args:
        project_id (str):
        limit (int | Unset):  Default: 100.
        after (str | Unset):
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProjectRateLimitListResponse
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        limit=limit,
        after=after,
        before=before,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> Response[ProjectRateLimitListResponse]:
    """Returns the rate limits per model for a project.

     One entry per model: requests and tokens per minute, and where the model has them, images, audio
    megabytes, requests per day and batch input tokens. The SDK calls this `list_rate_limits`.

    Args:
        project_id (str):
        limit (int | Unset):  Default: 100.
        after (str | Unset):
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProjectRateLimitListResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        limit=limit,
        after=after,
        before=before,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    after: str | Unset = UNSET,
    before: str | Unset = UNSET,
) -> ProjectRateLimitListResponse | None:
    """Returns the rate limits per model for a project.

     One entry per model: requests and tokens per minute, and where the model has them, images, audio
    megabytes, requests per day and batch input tokens. The SDK calls this `list_rate_limits`.

    Args:
        project_id (str):
        limit (int | Unset):  Default: 100.
        after (str | Unset):
        before (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProjectRateLimitListResponse
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            limit=limit,
            after=after,
            before=before,
        )
    ).parsed
