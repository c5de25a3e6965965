"""StackError: something the user must act on, raised by the embedded stack and by every `jip` command."""


class StackError(Exception):
    """Something the user must act on, from any command: the message is one line and says what to do
    (`jip: error: …`, exit 1)."""
