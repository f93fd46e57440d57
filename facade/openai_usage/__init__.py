"""openai-usage: usage and spend from OpenAI's Usage and Costs API, typed and paginated."""

__all__: list[str] = []
