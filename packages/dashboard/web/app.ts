import { useEffect, useState } from 'preact/hooks';
import { AlertsView } from './alerts-view';
import { api, attachToken, storedToken, storeToken } from './auth';
import { BackendsView } from './backends-view';
import { Connection } from './connection';
import { ExperimentsView } from './experiments-view';
import { html } from './html';
import { startLiveFeed } from './live-feed';
import { SessionsView } from './sessions-view';
import { Store } from './store';
import { useStore } from './use-store';

const VIEWS = [
  { id: 'backends', label: 'Backends' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'experiments', label: 'Experiments' },
  { id: 'alerts', label: 'Alerts' },
] as const;
type ViewId = (typeof VIEWS)[number]['id'];

function viewFromHash(): ViewId {
  const id = location.hash.replace(/^#/, '');
  return (VIEWS.find((v) => v.id === id)?.id ?? 'backends') as ViewId;
}

type Phase =
  | { kind: 'connecting' }
  | { kind: 'login'; reason: string }
  | { kind: 'ready'; conn: Connection; token: string | undefined }
  | { kind: 'lost'; reason: string };

/** Connects with the stored token (or none: a loopback page may be the server's local admin). */
async function connect(token: string | undefined): Promise<Phase> {
  const probe = await api('GET', '/v1/health', token);
  if (probe.status === 401 || probe.status === 403)
    return { kind: 'login', reason: token ? 'The server refused this token.' : 'This server needs a token.' };
  try {
    const conn = await Connection.open(await attachToken(token));
    return { kind: 'ready', conn, token };
  } catch (e) {
    return { kind: 'login', reason: e instanceof Error ? e.message : String(e) };
  }
}

function Login({ reason, onToken }: { reason: string; onToken: (t: string) => void }) {
  const [value, setValue] = useState('');
  return html`<form
    class="login"
    onSubmit=${(e: Event) => {
      e.preventDefault();
      onToken(value.trim());
    }}
  >
    <h2>Sign in</h2>
    <p role="alert">${reason}</p>
    <label for="token">Token</label>
    <input
      id="token"
      type="password"
      autocomplete="off"
      value=${value}
      onInput=${(e: Event) => setValue((e.target as HTMLInputElement).value)}
    />
    <p class="muted">A bearer token of this server (<code>vth token</code>). It is kept in this tab only.</p>
    <button type="submit">Sign in</button>
  </form>`;
}

function Badge({ store }: { store: Store }) {
  useStore(store);
  const n = store.activeAlerts.length;
  return n ? html`<span class="count" aria-label=${`${n} active alerts`}>${n}</span>` : null;
}

/** The page: sign-in when needed, then the views behind a tab bar (the URL's hash names the view). */
export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'connecting' });
  const [view, setView] = useState<ViewId>(viewFromHash());
  const [store] = useState(() => new Store());
  const start = (token: string | undefined) => {
    setPhase({ kind: 'connecting' });
    void connect(token).then(setPhase);
  };
  useEffect(() => start(storedToken()), []);
  useEffect(() => {
    const onHash = () => setView(viewFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    if (phase.kind !== 'ready') return;
    const stop = startLiveFeed(phase.conn, store, phase.token);
    const offClose = phase.conn.on((m) => {
      if (m.type === 'error' && phase.conn.closed)
        setPhase({ kind: 'lost', reason: `connection closed (${phase.conn.closed.code})` });
    });
    return () => {
      stop();
      offClose();
      phase.conn.close();
    };
  }, [phase]);
  const hello = phase.kind === 'ready' ? phase.conn.hello : undefined;
  return html`<div class="shell">
    <header class="top">
      <h1>vth</h1>
      ${hello && html`<span class="muted" data-testid="whoami">${hello.user.id} (${hello.user.role}) · ${hello.backend.type}</span>`}
      ${
        phase.kind === 'ready' &&
        html`<button
          class="link"
          onClick=${() => {
            storeToken(undefined);
            setPhase({ kind: 'login', reason: 'Signed out.' });
          }}
        >
          Sign out
        </button>`
      }
    </header>
    ${
      phase.kind === 'ready' &&
      html`<nav aria-label="Views">
        <ul>
          ${VIEWS.map(
            (v) =>
              html`<li>
                <a href=${`#${v.id}`} aria-current=${view === v.id ? 'page' : undefined}
                  >${v.label}${v.id === 'alerts' && html` <${Badge} store=${store} />`}</a
                >
              </li>`,
          )}
        </ul>
      </nav>`
    }
    <main id="main">
      ${phase.kind === 'connecting' && html`<p role="status">Connecting…</p>`}
      ${
        phase.kind === 'login' &&
        html`<${Login}
          reason=${phase.reason}
          onToken=${(t: string) => {
            storeToken(t);
            start(t);
          }}
        />`
      }
      ${
        phase.kind === 'lost' &&
        html`<p role="alert">
          ${phase.reason} <button onClick=${() => start(storedToken())}>Reconnect</button>
        </p>`
      }
      ${phase.kind === 'ready' && view === 'backends' && html`<${BackendsView} store=${store} conn=${phase.conn} />`}
      ${phase.kind === 'ready' && view === 'sessions' && html`<${SessionsView} store=${store} conn=${phase.conn} />`}
      ${phase.kind === 'ready' && view === 'experiments' && html`<${ExperimentsView} store=${store} conn=${phase.conn} />`}
      ${phase.kind === 'ready' && view === 'alerts' && html`<${AlertsView} store=${store} />`}
    </main>
  </div>`;
}
