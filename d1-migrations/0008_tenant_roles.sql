-- Roles within a tenant (issue 18): `user` designs blueprints and takes courses, `reviewer` also
-- reviews and approves the tenant's syllabi and content, `admin` runs the tenant (its users and
-- invites). Platform admins (provisioned with the bootstrap secret) run the product itself.
--
-- The `role` column held the platform role (user | admin): it is renamed `platform_role`, its
-- CHECK going with it, and a new `role` holds the tenant role. Every existing account keeps what
-- it had: a platform admin is also the admin of its own tenant.
ALTER TABLE users RENAME COLUMN role TO platform_role;
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'reviewer', 'admin'));
UPDATE users SET role = platform_role;

-- A platform admin is an admin of its tenant: a demotion below admin ends both (the guarded
-- update does so; these refuse any write that would leave the two disagreeing).
CREATE TRIGGER trg_platform_admin_insert BEFORE INSERT ON users
FOR EACH ROW WHEN NEW.platform_role = 'admin' AND NEW.role <> 'admin'
BEGIN
  SELECT RAISE(ABORT, 'a platform admin is an admin of its tenant');
END;

CREATE TRIGGER trg_platform_admin_update BEFORE UPDATE OF role, platform_role ON users
FOR EACH ROW WHEN NEW.platform_role = 'admin' AND NEW.role <> 'admin'
BEGIN
  SELECT RAISE(ABORT, 'a platform admin is an admin of its tenant');
END;

-- Accounts never move between tenants: everything they made is scoped by the tenant they joined.
CREATE TRIGGER trg_user_tenant_fixed BEFORE UPDATE OF tenant_id ON users
FOR EACH ROW WHEN NEW.tenant_id IS NOT OLD.tenant_id
BEGIN
  SELECT RAISE(ABORT, 'an account does not move between tenants');
END;

-- The tenant's users by role (its admins are counted on every demotion).
CREATE INDEX idx_users_tenant_role ON users(tenant_id, role);
-- The tenant's members page by page, oldest first.
CREATE INDEX idx_users_tenant_created ON users(tenant_id, created_at, id);

-- Invitations into a tenant with a role. Only the code's SHA-256 is stored (the code is shown
-- once, to the admin who made it); single use and 7 days, both enforced by the guarded update
-- that spends it and, for reuse, by the trigger below.
CREATE TABLE invites (
  code_hash   TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL REFERENCES tenants(id),
  role        TEXT NOT NULL CHECK (role IN ('user', 'reviewer', 'admin')),
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  used_by     TEXT,
  used_at     TEXT,
  CHECK ((used_by IS NULL) = (used_at IS NULL))
);

CREATE TRIGGER trg_invite_used_once BEFORE UPDATE ON invites
FOR EACH ROW WHEN OLD.used_at IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'an invite is used once');
END;

CREATE INDEX idx_invites_tenant ON invites(tenant_id, created_at);
