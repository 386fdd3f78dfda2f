"""The audit log read back for coordinators: the latest changes of a project or an event, as
readable lines (who, when, what), a page at a time. Read-only: rows are written by bot.audit."""
