"""How names are compared: casefolded, white space collapsed, in any script."""


def fold(name: str) -> str:
    """The key used for case-insensitive, Unicode-aware name matching."""
    return " ".join(name.casefold().split())
