# Test fixture: a hand-made miniature of the openai SDK's layout (tests/tools/data/sdk/README.md).
# ruff: noqa

__title__ = "openai"
__version__ = "0.0.1-fixture"  # x-release-please-version
