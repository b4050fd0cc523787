// Sign up and sign in. After either, the person returns to where they were sent from.
import { useState } from "preact/hooks";
import { ApiError, errorText } from "../lib/api";
import { client } from "../lib/client";
import { navigate } from "../lib/router";
import { sessionStarted } from "../lib/session";
import { describedBy, Field, Notice } from "../components/forms";
import { PageHeading } from "../components/Layout";

type Mode = "signin" | "signup";

/** Only same-app paths, so a crafted link cannot send someone elsewhere after sign-in. */
export function safeNext(raw: string | null): string {
  return raw && raw.startsWith("/") && !raw.startsWith("//") && !raw.startsWith("/api/") ? raw : "/";
}

export function AuthPage({ mode, next, invite }: { mode: Mode; next: string | null; invite?: string | null }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [fullName, setFullName] = useState("");
  const [inviteCode, setInviteCode] = useState(invite?.trim() ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signup = mode === "signup";

  function check(): Record<string, string> {
    const found: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) found.email = "Enter an email address like name@example.com";
    if (signup && (password.length < 8 || password.length > 128)) found.password = "Use 8 to 128 characters";
    if (!signup && !password) found.password = "Enter your password";
    return found;
  }

  async function submit(event: Event) {
    event.preventDefault();
    const found = check();
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length) {
      document.getElementById(`auth-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const body = signup
        ? { email, password, ...(fullName.trim() ? { fullName: fullName.trim() } : {}), ...(inviteCode.trim() ? { inviteCode: inviteCode.trim() } : {}) }
        : { email, password };
      const answer = signup ? await client.signUp(body) : await client.logIn(body);
      sessionStarted(answer);
      navigate(safeNext(next), { replace: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        const issues = error.fieldIssues();
        // The API words it after the field's name ("is not a valid invitation (…)").
        if (issues.inviteCode?.startsWith("is ")) issues.inviteCode = `This code ${issues.inviteCode}.`;
        setErrors(issues);
        const first = ["fullName", "email", "password", "inviteCode"].find((field) => issues[field]);
        if (first) window.setTimeout(() => document.getElementById(`auth-${first}`)?.focus());
        else setFormError(error.describe());
      }
      else if (error instanceof ApiError && error.status === 409) setErrors({ email: "An account with this email already exists. Sign in instead." });
      else setFormError(error instanceof ApiError && error.status === 401 ? "Invalid email or password." : errorText(error));
    } finally {
      setBusy(false);
    }
  }

  const other = signup ? "/signin" : "/signup";
  const keepNext = next ? `?next=${encodeURIComponent(next)}` : "";
  return (
    <div class="auth-page">
      <PageHeading focusKey={mode}>{signup ? "Create your account" : "Sign in"}</PageHeading>
      <p class="lead">Design a course blueprint from five questions, refine it with tailored follow-ups, and export it.</p>
      <form class="panel" onSubmit={submit} noValidate>
        {formError ? <Notice kind="error">{formError}</Notice> : null}
        {signup ? (
          <Field id="auth-fullName" label="Full name (optional)" error={errors.fullName}>
            <input id="auth-fullName" name="name" autocomplete="name" value={fullName} onInput={(e) => setFullName(e.currentTarget.value)} {...describedBy("auth-fullName", errors.fullName)} />
          </Field>
        ) : null}
        <Field id="auth-email" label="Email" error={errors.email} required>
          <input id="auth-email" name="email" type="email" autocomplete="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} {...describedBy("auth-email", errors.email)} />
        </Field>
        <Field id="auth-password" label="Password" error={errors.password} help={signup ? "8 to 128 characters." : null} required>
          <input
            id="auth-password"
            name="password"
            type="password"
            autocomplete={signup ? "new-password" : "current-password"}
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            {...describedBy("auth-password", errors.password, signup ? "help" : null)}
          />
        </Field>
        {signup ? (
          <Field
            id="auth-inviteCode"
            label="Invitation code (optional)"
            error={errors.inviteCode}
            help={invite ? "From the invitation link: you will join your team with the role it was made for." : "If your team's admin invited you, paste the code here. Without one, you get a personal account."}
          >
            <input
              id="auth-inviteCode"
              name="inviteCode"
              autocomplete="off"
              spellcheck={false}
              value={inviteCode}
              onInput={(e) => setInviteCode(e.currentTarget.value)}
              {...describedBy("auth-inviteCode", errors.inviteCode, "help")}
            />
          </Field>
        ) : null}
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? (signup ? "Creating account…" : "Signing in…") : signup ? "Create account" : "Sign in"}
        </button>
      </form>
      <p>
        {signup ? "Already have an account? " : "New here? "}
        <a href={`${other}${keepNext}`}>{signup ? "Sign in" : "Create an account"}</a>
      </p>
    </div>
  );
}
