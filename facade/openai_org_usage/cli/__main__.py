"""``python -m openai_org_usage.cli``: the same as the ``openai-org-usage`` console script."""

from openai_org_usage.cli import main

if __name__ == "__main__":
    main()
