"""``python -m openai_usage.cli``: the same as the ``openai-usage`` console script."""

from openai_usage.cli import main

if __name__ == "__main__":
    main()
