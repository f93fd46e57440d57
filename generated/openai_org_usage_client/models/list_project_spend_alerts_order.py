from typing import Literal

ListProjectSpendAlertsOrder = Literal["asc", "desc"]

LIST_PROJECT_SPEND_ALERTS_ORDER_VALUES: set[ListProjectSpendAlertsOrder] = {
    "asc",
    "desc",
}


def check_list_project_spend_alerts_order(value: str) -> ListProjectSpendAlertsOrder:
    if value in LIST_PROJECT_SPEND_ALERTS_ORDER_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIST_PROJECT_SPEND_ALERTS_ORDER_VALUES!r}"
    )
