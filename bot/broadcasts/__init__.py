"""A coordinator's message to the people of an event: the confirmed, the waiting or those
present."""
