"""Projects and their events: what an event is (model.py), the rules for changing one
(rules.py), its SQL (store.py) and the coordinator's use cases (service.py): publish, cancel,
edit a field, import a plan, each with its audit row and notices in one transaction."""
