import { BackendActions } from './backend-actions';
import { type Connection } from './connection';
import { html } from './html';
import { LatencyChart } from './latency-chart';
import { shownStatus } from './model';
import { type Store } from './store';
import { useStore } from './use-store';

function time(at: number): string {
  return new Date(at).toLocaleTimeString();
}

/** The pool: each backend's state, sessions, error rate and latency over time; the timeline; the actions. */
export function BackendsView({ store, conn }: { store: Store; conn: Connection }) {
  useStore(store);
  if (conn.hello?.user.role !== 'admin')
    return html`<p role="alert">The pool is shown to admins only (you are ${conn.hello?.user.id}).</p>`;
  return html`<section aria-labelledby="backends-title">
    <h2 id="backends-title">Backends</h2>
    <p class="muted" data-testid="metrics-at">
      ${store.metricsAt ? `updated ${time(store.metricsAt)}` : 'waiting for the first figures…'}
    </p>
    <div class="cards" data-testid="backend-list">
      ${store.backends.map((b) => {
        const status = shownStatus(b);
        return html`<article class="card" key=${b.id} data-testid=${`backend-${b.id}`} data-status=${status}>
          <header>
            <h3>${b.id}</h3>
            <span class=${`badge ${status}`} data-testid="status">${status}</span>
          </header>
          <dl>
            <dt>type</dt>
            <dd>${b.type}</dd>
            <dt>group</dt>
            <dd>${b.group ?? '—'}</dd>
            <dt>sessions</dt>
            <dd data-testid="sessions">${b.activeSessions}</dd>
            <dt>error rate</dt>
            <dd data-testid="error-rate">
              ${b.errorRate === undefined ? '—' : `${(b.errorRate * 100).toFixed(1)} %`}
            </dd>
          </dl>
          <${LatencyChart} backendId=${b.id} samples=${store.history.get(b.id) ?? []} />
        </article>`;
      })}
    </div>
    <h2 id="actions-title">Actions</h2>
    <${BackendActions} conn=${conn} backends=${store.backends} />
    <h2>Timeline</h2>
    <ol class="timeline" data-testid="timeline" aria-live="polite">
      ${store.timeline.length === 0 && html`<li class="muted">No ejections, recoveries, failovers, migrations or swaps yet.</li>`}
      ${store.timeline.map(
        (e) => html`<li key=${e.seq} class=${e.name}><time>${time(e.at)}</time> ${e.text}</li>`,
      )}
    </ol>
  </section>`;
}
