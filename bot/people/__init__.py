"""People: participants' profiles (profile.py: fields and their rules), who is a
coordinator (roles.py), their SQL (users.py, coordinators.py, store.py) and the use cases
(service.py): consent, the profile, erasure, coordinator invitations."""
