-- Blueprints belong to a tenant as well as to their owner: every query on them names both (the
-- caller's scope), so tenant data stays the tenant's once accounts can join other tenants.
-- Existing rows take their owner's tenant. No REFERENCES here: SQLite cannot add a column with
-- a foreign key and a non-NULL default; the insert takes the tenant from the caller's verified
-- scope, and the trigger below refuses a row whose tenant is not its owner's.
ALTER TABLE blueprint_generator ADD COLUMN tenant_id TEXT NOT NULL DEFAULT 'default';
UPDATE blueprint_generator SET tenant_id = (SELECT u.tenant_id FROM users u WHERE u.id = blueprint_generator.user_id);

CREATE TRIGGER trg_blueprint_tenant_is_owners BEFORE INSERT ON blueprint_generator
FOR EACH ROW WHEN NEW.tenant_id IS NOT (SELECT tenant_id FROM users WHERE id = NEW.user_id)
BEGIN
  SELECT RAISE(ABORT, 'blueprint tenant must be its owner''s tenant');
END;

CREATE TRIGGER trg_blueprint_tenant_fixed BEFORE UPDATE OF tenant_id ON blueprint_generator
FOR EACH ROW WHEN NEW.tenant_id IS NOT OLD.tenant_id
BEGIN
  SELECT RAISE(ABORT, 'a blueprint does not move between tenants');
END;

-- The list query, now by tenant and owner.
DROP INDEX idx_blueprint_user_created;
CREATE INDEX idx_blueprint_tenant_user_created ON blueprint_generator(tenant_id, user_id, created_at DESC, id DESC);
