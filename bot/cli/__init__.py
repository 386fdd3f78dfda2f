"""Command-line entry points (python -m bot ...): they call the same services as the chat."""
