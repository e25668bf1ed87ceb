-- Every multi-step change is journaled, not only registrations: what it acts on beyond a client and a
-- grant (an API audience, an app, an invitation) and what it created that is neither (a new invitation).
ALTER TABLE operations ADD COLUMN target TEXT;
ALTER TABLE operations ADD COLUMN created_ref TEXT;
