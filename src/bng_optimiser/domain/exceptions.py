"""Errors raised by the domain core; the API and CLI turn them into status and exit codes."""


class BngError(Exception):
    """Base class for every error the domain core raises on purpose."""


class InvalidInputError(BngError, ValueError):
    """A request, file or value breaks a rule; the message names the value and valid ones."""


class UnknownNameError(InvalidInputError):
    """A habitat, LPA, NCA or bank name matches nothing in the reference data."""

    def __init__(self, kind: str, value: object, suggestions: list[str], hint: str = "") -> None:
        self.kind = kind
        self.value = value
        self.suggestions = suggestions
        message = f"unknown {kind} {value!r}"
        if suggestions:
            message += "; did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
        if hint:
            message += f"; {hint}"
        super().__init__(message)


class DataFileError(InvalidInputError):
    """An input file has invalid rows or columns; every problem is listed at once."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        count = len(problems)
        header = f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__(header + ":\n" + "\n".join(f"  {p}" for p in problems))
