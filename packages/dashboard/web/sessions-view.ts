import { useState } from 'preact/hooks';
import { type Connection } from './connection';
import { ConfirmDialog } from './confirm-dialog';
import { html } from './html';
import { type Store } from './store';
import { TerminalView } from './terminal-view';
import { useStore } from './use-store';

function age(createdAt: number): string {
  const s = Math.max(0, Math.round((Date.now() - createdAt) / 1000));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

/** Sessions (all for admins, one's own for users): open one as a terminal (writer or viewer), close one. */
export function SessionsView({ store, conn }: { store: Store; conn: Connection }) {
  useStore(store);
  const admin = conn.hello?.user.role === 'admin';
  const [open, setOpen] = useState<{ id: string; mode: 'writer' | 'viewer' } | undefined>(undefined);
  const [closing, setClosing] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState('');
  const create = async (): Promise<void> => {
    const r = await conn.request<{ id: string }>('session.create', {
      options: { profile: 'terminal', labels: { via: 'dashboard' } },
    });
    if (r.ok) setOpen({ id: r.value.id, mode: 'writer' });
    else setMessage(`${r.error.code}: ${r.error.message}`);
  };
  const close = async (id: string): Promise<void> => {
    setClosing(undefined);
    if (open?.id === id) setOpen(undefined);
    const r = await conn.request(admin ? 'admin.sessions.close' : 'session.destroy', { sessionId: id });
    setMessage(r.ok ? `session ${id} closed` : `${r.error.code}: ${r.error.message}`);
  };
  return html`<section aria-labelledby="sessions-title">
    <h2 id="sessions-title">Sessions</h2>
    <p><button onClick=${() => void create()}>New session</button> <span role="status">${message}</span></p>
    <div class="table-wrap">
      <table data-testid="session-list">
        <thead>
          <tr>
            <th scope="col">session</th>
            ${admin && html`<th scope="col">owner</th>`}
            <th scope="col">backend</th>
            <th scope="col">cwd</th>
            <th scope="col">age</th>
            <th scope="col">last command</th>
            <th scope="col"><span class="sr-only">actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${store.sessions.map(
            (s) =>
              html`<tr key=${s.id} data-testid=${`session-${s.id}`}>
                <th scope="row">${s.id}</th>
                ${admin && html`<td>${s.owner ?? '—'}</td>`}
                <td>${s.poolBackendId ?? s.backendId}</td>
                <td>${s.cwd ?? ''}</td>
                <td>${age(s.createdAt)}</td>
                <td><code>${store.lastCommand.get(s.id) ?? ''}</code></td>
                <td class="row-actions">
                  <button aria-label=${`Open ${s.id}`} onClick=${() => setOpen({ id: s.id, mode: 'writer' })}>
                    Open
                  </button>
                  <button
                    aria-label=${`Watch ${s.id}`}
                    onClick=${() => setOpen({ id: s.id, mode: 'viewer' })}
                  >
                    Watch
                  </button>
                  <button aria-label=${`Close ${s.id}`} class="danger" onClick=${() => setClosing(s.id)}>
                    Close
                  </button>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${store.sessions.length === 0 && html`<p class="muted">No session.</p>`}
    ${
      closing &&
      html`<${ConfirmDialog}
        title=${`Close session ${closing}?`}
        confirmLabel="Close session"
        onCancel=${() => setClosing(undefined)}
        onConfirm=${() => void close(closing)}
        ><p>Its shell and everything running in it end.</p><//
      >`
    }
    ${
      open &&
      html`<${TerminalView}
        key=${`${open.id}/${open.mode}`}
        conn=${conn}
        sessionId=${open.id}
        mode=${open.mode}
        onClose=${() => setOpen(undefined)}
      />`
    }
  </section>`;
}
