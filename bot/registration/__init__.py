"""Signing up for events: seats, the waiting list, offers of freed seats, applications.

rules.py decides (no database, no Telegram), store.py holds the SQL, service.py runs each use
case in one transaction with the notices it causes."""
