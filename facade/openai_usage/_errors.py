class OpenAIUsageError(Exception):
    """Base class of every error this package raises."""


class InvalidParameterError(OpenAIUsageError, ValueError):
    """A parameter failed validation before any request was sent."""

    def __init__(self, param: str, value: object, allowed: str, *, hint: str | None = None) -> None:
        self.param = param
        self.value = value
        self.allowed = allowed
        self.hint = hint
        message = f"{param}={value!r} is not allowed; expected {allowed}"
        if hint:
            message += f". {hint}"
        super().__init__(message)
