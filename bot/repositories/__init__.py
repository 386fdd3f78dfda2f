"""SQL lives here; handlers and domain rules call these functions."""
