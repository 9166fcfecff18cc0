/** Sign in: email and password; the refresh token then lives in a cookie no script can read. */
import { useState, type FormEvent } from 'react';
import { ApiError, signIn } from '../api/client';
import { TextField } from '../components/fields';

export function SignInPage() {
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    setFieldErrors({});
    try {
      await signIn(String(form.get('email')), String(form.get('password')));
    } catch (caught) {
      // The API's message for a field it rejected shows at that field; anything else under the form.
      const fields = caught instanceof ApiError ? caught.fieldErrors : {};
      setFieldErrors(fields);
      setError(fields.email || fields.password ? 'Please correct the fields marked above.' : (caught as Error).message);
      setBusy(false);
    }
  };
  return (
    <section className="sign-in">
      <h1>Sign in</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField label="Email" name="email" type="email" autoComplete="username" error={fieldErrors.email} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          error={fieldErrors.password}
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </section>
  );
}
