"""Check-in at the venue: when the door is open and who may come in (rules.py), the entrance
link and its QR code (links.py, qr.py), attendance in SQL (store.py, participants.py: the
coordinator's list) and the use cases (service.py): a participant's scan or typed code, the
coordinator marking someone present, a walk-in without Telegram."""
