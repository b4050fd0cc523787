// The team (tenant admins only): its members with their roles, and invitations to join it.
import { useEffect, useState } from "preact/hooks";
import { ApiError, errorText } from "../lib/api";
import { client } from "../lib/client";
import { formatDate } from "../lib/format";
import { currentUser, knownUser } from "../lib/session";
import type { Invite, Role, TenantMember } from "../lib/types";
import { describedBy, Field, Notice, Spinner } from "../components/forms";
import { PageHeading } from "../components/Layout";

const ROLES: { role: Role; label: string; help: string }[] = [
  { role: "user", label: "User", help: "designs blueprints and syllabi" },
  { role: "reviewer", label: "Reviewer", help: "also reviews the team's syllabi" },
  { role: "admin", label: "Admin", help: "also manages members and invitations" },
];
const ROLE_LABEL: Record<Role, string> = { user: "User", reviewer: "Reviewer", admin: "Admin" };
const PAGE = 20;

export function TeamPage() {
  const user = currentUser();
  if (user?.role !== "admin") {
    return (
      <div>
        <PageHeading focusKey="team-denied">Team</PageHeading>
        <Notice kind="info">Only your team's admins manage its members and invitations.</Notice>
        <p><a href="/">Go to my blueprints</a></p>
      </div>
    );
  }
  return (
    <div>
      <PageHeading focusKey="team">Team</PageHeading>
      <InvitePanel />
      <Members />
    </div>
  );
}

function InvitePanel() {
  const [role, setRole] = useState<Role>("user");
  const [roleError, setRoleError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [invite, setInvite] = useState<Invite | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const link = invite ? `${location.origin}/signup?invite=${encodeURIComponent(invite.inviteCode)}` : "";

  async function create(event: Event) {
    event.preventDefault();
    setBusy(true);
    setRoleError(null);
    setFormError(null);
    setCopied(null);
    try {
      setInvite(await client.invite(role));
      window.setTimeout(() => document.getElementById("invite-link")?.focus());
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 400 && failure.fieldIssues().role) setRoleError(failure.fieldIssues().role);
      else setFormError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
      setCopied("Link copied.");
    } catch {
      setCopied("Could not copy; select the link and copy it instead.");
      const input = document.getElementById("invite-link") as HTMLInputElement | null;
      input?.focus();
      input?.select();
    }
  }

  return (
    <section class="panel" aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite someone</h2>
      <form class="create-form" onSubmit={create} noValidate>
        <Field id="invite-role" label="Role in the team" error={roleError} help={`${ROLES.map((entry) => `${entry.label}: ${entry.help}.`).join(" ")} The invitation works once, for 7 days.`}>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} {...describedBy("invite-role", roleError, "help")}>
            {ROLES.map((entry) => <option key={entry.role} value={entry.role}>{entry.label}</option>)}
          </select>
        </Field>
        <button type="submit" class="button button--primary" disabled={busy}>{busy ? "Creating…" : "Create invitation"}</button>
      </form>
      {formError ? <Notice kind="error">{formError}</Notice> : null}
      {invite ? (
        <div>
          <h3>New invitation</h3>
          <p>
            Invitation for a <strong>{ROLE_LABEL[invite.role] ?? invite.role}</strong>, valid until {formatDate(invite.expiresAt)}. It is shown only now: send the link to the person you invite.
          </p>
          <Field id="invite-code" label="Invitation code">
            <input id="invite-code" readOnly value={invite.inviteCode} onFocus={(e) => e.currentTarget.select()} {...describedBy("invite-code")} />
          </Field>
          <Field id="invite-link" label="Sign-up link">
            <input id="invite-link" readOnly value={link} onFocus={(e) => e.currentTarget.select()} {...describedBy("invite-link")} />
          </Field>
          <div class="actions">
            <button type="button" class="button" onClick={() => void copy()}>Copy link</button>
            <span role="status">{copied ?? ""}</span>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function Members() {
  const [members, setMembers] = useState<TenantMember[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  async function load(cursor: string | null) {
    setLoadError(null);
    setLoadingMore(cursor !== null);
    try {
      const page = await client.members(PAGE, cursor);
      setMembers((previous) => (cursor && previous ? [...previous, ...page.users] : page.users));
      setNextCursor(page.nextCursor);
      if (cursor && page.users[0]) window.setTimeout(() => document.getElementById(`role-${page.users[0].id}`)?.focus());
    } catch (failure) {
      setLoadError(errorText(failure));
    } finally {
      setLoadingMore(false);
    }
  }
  useEffect(() => {
    void load(null);
  }, []);

  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      {loadError ? (
        <Notice kind="error">{loadError} <button type="button" class="link-button" onClick={() => void load(members ? nextCursor : null)}>Try again</button></Notice>
      ) : null}
      {members === null ? (
        loadError ? null : <Spinner label="Loading the members…" />
      ) : (
        <>
          <ul class="blueprint-list" aria-label="Members">
            {members.map((member) => (
              <MemberRow key={member.id} member={member} onChanged={(next) => setMembers((previous) => previous?.map((m) => (m.id === next.id ? next : m)) ?? null)} />
            ))}
          </ul>
          {nextCursor ? (
            <button type="button" class="button" disabled={loadingMore} onClick={() => void load(nextCursor)}>{loadingMore ? "Loading…" : "Load more"}</button>
          ) : null}
        </>
      )}
    </section>
  );
}

function MemberRow({ member, onChanged }: { member: TenantMember; onChanged: (next: TenantMember) => void }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const me = currentUser();
  const id = `role-${member.id}`;

  async function change(role: Role) {
    if (role === member.role || busy) return;
    setBusy(true);
    setMessage(null);
    try {
      const answer = await client.setMemberRole(member.id, role);
      onChanged({ ...member, role: answer.user.role, platformAdmin: answer.user.platformAdmin });
      setMessage({ kind: "ok", text: `Now ${ROLE_LABEL[answer.user.role] ?? answer.user.role}.` });
      if (me && me.id === member.id) knownUser({ ...me, role: answer.user.role, platformAdmin: answer.user.platformAdmin });
    } catch (failure) {
      const text = failure instanceof ApiError && failure.status === 400 ? failure.fieldIssues().role ?? failure.describe() : errorText(failure);
      setMessage({ kind: "error", text });
      // The select shows the role the member still has.
      onChanged({ ...member });
      const select = document.getElementById(id) as HTMLSelectElement | null;
      if (select) select.value = member.role;
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class="blueprint-row member-row">
      <div class="blueprint-row-main">
        <span class="blueprint-link member-email">{member.email}</span>
        {me?.id === member.id ? <span class="badge">You</span> : null}
        {member.platformAdmin ? <span class="badge">Platform admin</span> : null}
      </div>
      <div class="blueprint-row-meta">
        <span>Joined {formatDate(member.createdAt)}</span>
        <span class="inline-field">
          <label for={id}>Role<span class="sr-only"> of {member.email}</span></label>
          <select id={id} value={member.role} aria-busy={busy} aria-describedby={`${id}-message`} onChange={(e) => void change(e.currentTarget.value as Role)}>
            {ROLES.map((entry) => <option key={entry.role} value={entry.role}>{entry.label}</option>)}
          </select>
        </span>
      </div>
      <p id={`${id}-message`} class={message?.kind === "error" ? "error member-message" : "status-line member-message"} role={message?.kind === "error" ? "alert" : "status"}>
        {message?.text ?? ""}
      </p>
    </li>
  );
}
