"""The error types every stage raises; the CLI turns them into one line and exit code 2."""


class NNDeriveError(Exception):
    """Base class: a problem with the user's input or a failed verification."""

    exit_code = 2


class SpecError(NNDeriveError):
    """A network spec is malformed: the message names the file, the key and the problem."""


class DataError(NNDeriveError):
    """A data file is unusable: the message names the file, row and column."""


class VerificationError(NNDeriveError):
    """A derived result failed its proof; it is never returned."""

    exit_code = 3
