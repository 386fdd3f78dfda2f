"""Pieces every participant screen shares: views, keyboards, callback data, editing in place."""
