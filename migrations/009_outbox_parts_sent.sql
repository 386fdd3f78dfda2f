-- A photo or document whose text does not fit its caption goes out as two calls. parts_sent
-- counts the calls already made, so a retry after the text failed sends only the text.
ALTER TABLE outbox_deliveries ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;
