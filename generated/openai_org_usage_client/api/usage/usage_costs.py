from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.costs_page import CostsPage
from ...models.error_response import ErrorResponse
from ...models.usage_costs_bucket_width import UsageCostsBucketWidth
from ...models.usage_costs_group_by_item import (
    UsageCostsGroupByItem,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    start_time: int,
    end_time: int | Unset = UNSET,
    bucket_width: UsageCostsBucketWidth | Unset = "1d",
    project_ids: list[str] | Unset = UNSET,
    api_key_ids: list[str] | Unset = UNSET,
    line_items: list[str] | Unset = UNSET,
    group_by: list[UsageCostsGroupByItem] | Unset = UNSET,
    limit: int | Unset = 7,
    page: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["start_time"] = start_time

    params["end_time"] = end_time

    json_bucket_width: str | Unset = UNSET
    if not isinstance(bucket_width, Unset):
        json_bucket_width = bucket_width

    params["bucket_width"] = json_bucket_width

    json_project_ids: list[str] | Unset = UNSET
    if not isinstance(project_ids, Unset):
        json_project_ids = project_ids

    params["project_ids"] = json_project_ids

    json_api_key_ids: list[str] | Unset = UNSET
    if not isinstance(api_key_ids, Unset):
        json_api_key_ids = api_key_ids

    params["api_key_ids"] = json_api_key_ids

    json_line_items: list[str] | Unset = UNSET
    if not isinstance(line_items, Unset):
        json_line_items = line_items

    params["line_items"] = json_line_items

    json_group_by: list[str] | Unset = UNSET
    if not isinstance(group_by, Unset):
        json_group_by = []
        for group_by_item_data in group_by:
            group_by_item: str = group_by_item_data
            json_group_by.append(group_by_item)

    params["group_by"] = json_group_by

    params["limit"] = limit

    params["page"] = page

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/organization/costs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CostsPage | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = CostsPage.from_dict(response.json())

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
) -> Response[CostsPage | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    start_time: int,
    end_time: int | Unset = UNSET,
    bucket_width: UsageCostsBucketWidth | Unset = "1d",
    project_ids: list[str] | Unset = UNSET,
    api_key_ids: list[str] | Unset = UNSET,
    line_items: list[str] | Unset = UNSET,
    group_by: list[UsageCostsGroupByItem] | Unset = UNSET,
    limit: int | Unset = 7,
    page: str | Unset = UNSET,
) -> Response[CostsPage | ErrorResponse]:
    """Organization costs in time buckets.

    Args:
        start_time (int):
        end_time (int | Unset):
        bucket_width (UsageCostsBucketWidth | Unset):  Default: '1d'.
        project_ids (list[str] | Unset):
        api_key_ids (list[str] | Unset):
        line_items (list[str] | Unset):
        group_by (list[UsageCostsGroupByItem] | Unset):
        limit (int | Unset):  Default: 7.
        page (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CostsPage | ErrorResponse]
    """

    kwargs = _get_kwargs(
        start_time=start_time,
        end_time=end_time,
        bucket_width=bucket_width,
        project_ids=project_ids,
        api_key_ids=api_key_ids,
        line_items=line_items,
        group_by=group_by,
        limit=limit,
        page=page,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    start_time: int,
    end_time: int | Unset = UNSET,
    bucket_width: UsageCostsBucketWidth | Unset = "1d",
    project_ids: list[str] | Unset = UNSET,
    api_key_ids: list[str] | Unset = UNSET,
    line_items: list[str] | Unset = UNSET,
    group_by: list[UsageCostsGroupByItem] | Unset = UNSET,
    limit: int | Unset = 7,
    page: str | Unset = UNSET,
) -> CostsPage | ErrorResponse | None:
    """Organization costs in time buckets.

    Args:
        start_time (int):
        end_time (int | Unset):
        bucket_width (UsageCostsBucketWidth | Unset):  Default: '1d'.
        project_ids (list[str] | Unset):
        api_key_ids (list[str] | Unset):
        line_items (list[str] | Unset):
        group_by (list[UsageCostsGroupByItem] | Unset):
        limit (int | Unset):  Default: 7.
        page (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CostsPage | ErrorResponse
    """

    return sync_detailed(
        client=client,
        start_time=start_time,
        end_time=end_time,
        bucket_width=bucket_width,
        project_ids=project_ids,
        api_key_ids=api_key_ids,
        line_items=line_items,
        group_by=group_by,
        limit=limit,
        page=page,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    start_time: int,
    end_time: int | Unset = UNSET,
    bucket_width: UsageCostsBucketWidth | Unset = "1d",
    project_ids: list[str] | Unset = UNSET,
    api_key_ids: list[str] | Unset = UNSET,
    line_items: list[str] | Unset = UNSET,
    group_by: list[UsageCostsGroupByItem] | Unset = UNSET,
    limit: int | Unset = 7,
    page: str | Unset = UNSET,
) -> Response[CostsPage | ErrorResponse]:
    """Organization costs in time buckets.

    Args:
        start_time (int):
        end_time (int | Unset):
        bucket_width (UsageCostsBucketWidth | Unset):  Default: '1d'.
        project_ids (list[str] | Unset):
        api_key_ids (list[str] | Unset):
        line_items (list[str] | Unset):
        group_by (list[UsageCostsGroupByItem] | Unset):
        limit (int | Unset):  Default: 7.
        page (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CostsPage | ErrorResponse]
    """

    kwargs = _get_kwargs(
        start_time=start_time,
        end_time=end_time,
        bucket_width=bucket_width,
        project_ids=project_ids,
        api_key_ids=api_key_ids,
        line_items=line_items,
        group_by=group_by,
        limit=limit,
        page=page,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    start_time: int,
    end_time: int | Unset = UNSET,
    bucket_width: UsageCostsBucketWidth | Unset = "1d",
    project_ids: list[str] | Unset = UNSET,
    api_key_ids: list[str] | Unset = UNSET,
    line_items: list[str] | Unset = UNSET,
    group_by: list[UsageCostsGroupByItem] | Unset = UNSET,
    limit: int | Unset = 7,
    page: str | Unset = UNSET,
) -> CostsPage | ErrorResponse | None:
    """Organization costs in time buckets.

    Args:
        start_time (int):
        end_time (int | Unset):
        bucket_width (UsageCostsBucketWidth | Unset):  Default: '1d'.
        project_ids (list[str] | Unset):
        api_key_ids (list[str] | Unset):
        line_items (list[str] | Unset):
        group_by (list[UsageCostsGroupByItem] | Unset):
        limit (int | Unset):  Default: 7.
        page (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CostsPage | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            start_time=start_time,
            end_time=end_time,
            bucket_width=bucket_width,
            project_ids=project_ids,
            api_key_ids=api_key_ids,
            line_items=line_items,
            group_by=group_by,
            limit=limit,
            page=page,
        )
    ).parsed
