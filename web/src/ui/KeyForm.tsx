import { useState } from 'preact/hooks';

/** Asked when the server wants a key (or refused the one given); the key stays in this tab only. */
export function KeyForm({ error, onSubmit }: { error: string | null; onSubmit(key: string): void }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="key-form"
      data-testid="key-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) onSubmit(value.trim());
      }}
    >
      <h2>API key</h2>
      <p class="muted">This avgraph asks for an API key. It is kept in this browser tab only and sent with every request.</p>
      {error && (
        <p class="key-error" role="alert" data-testid="key-error">
          {error}
        </p>
      )}
      <input
        data-testid="key-input"
        type="password"
        // a key is not a login: "off" is ignored by password managers, a one-time code is not offered for saving
        autoComplete="one-time-code"
        autoFocus
        placeholder="API key"
        aria-label="API key"
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
      <button type="submit" class="btn primary" data-testid="key-submit">
        Connect
      </button>
    </form>
  );
}
