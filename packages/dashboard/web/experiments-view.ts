import { useState } from 'preact/hooks';
import { type Connection } from './connection';
import { ConfirmDialog } from './confirm-dialog';
import { ExperimentForm } from './experiment-form';
import { html } from './html';
import { type ExperimentReport } from './model';
import { type Store } from './store';
import { useStore } from './use-store';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/**
 * Share of the experiment's users that change variant when the weights change: assignment is weighted
 * rendezvous hashing, so only the variants that lose share give users away (the total variation).
 */
export function movedShare(before: Record<string, number>, after: Record<string, number>): number {
  const sum = (w: Record<string, number>) => Object.values(w).reduce((a, b) => a + Math.max(0, b), 0);
  const b = sum(before) || 1;
  const a = sum(after) || 1;
  return Object.keys(before).reduce((m, k) => m + Math.max(0, before[k]! / b - (after[k] ?? 0) / a), 0);
}

function ExperimentCard({ conn, report }: { conn: Connection; report: ExperimentReport }) {
  const current = Object.fromEntries(report.variants.map((v) => [v.name, v.weight]));
  const [weights, setWeights] = useState<Record<string, number>>(current);
  const [stopping, setStopping] = useState(false);
  const [moveSessions, setMoveSessions] = useState(true);
  const [message, setMessage] = useState('');
  const moving = movedShare(current, weights);
  const changed = report.variants.some((v) => weights[v.name] !== v.weight);
  const active = report.variants.reduce((n, v) => n + v.activeSessions, 0);
  const apply = async () => {
    const r = await conn.request('admin.experiments.update', { name: report.name, weights });
    setMessage(r.ok ? 'weights changed' : `${r.error.code}: ${r.error.message}`);
  };
  const stop = async () => {
    setStopping(false);
    const r = await conn.request('admin.experiments.stop', { name: report.name, moveSessions });
    setMessage(r.ok ? 'stopped' : `${r.error.code}: ${r.error.message}`);
  };
  return html`<article
    class="card wide"
    data-testid=${`experiment-${report.name}`}
    data-running=${String(report.running)}
  >
    <header>
      <h3>${report.name}</h3>
      <span class=${`badge ${report.running ? 'healthy' : 'draining'}`}
        >${report.running ? 'running' : 'stopped'}</span
      >
    </header>
    <p class="muted">
      traffic ${pct(report.traffic)} · control ${report.control} · since
      ${new Date(report.startedAt).toLocaleTimeString()}
    </p>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">variant</th>
            <th scope="col">weight</th>
            <th scope="col">share</th>
            <th scope="col">sessions</th>
            <th scope="col">commands</th>
            <th scope="col">errors</th>
            <th scope="col">p95</th>
            <th scope="col">verdict</th>
          </tr>
        </thead>
        <tbody>
          ${report.variants.map((v) => {
            const c = report.comparisons.find((x) => x.variant === v.name);
            return html`<tr data-testid=${`variant-${v.name}`}>
              <th scope="row">${v.name}</th>
              <td>
                <label class="sr-only" for=${`w-${report.name}-${v.name}`}>weight of ${v.name}</label>
                <input
                  id=${`w-${report.name}-${v.name}`}
                  type="range"
                  min="0"
                  max=${Math.max(100, ...Object.values(current))}
                  value=${weights[v.name] ?? 0}
                  disabled=${!report.running}
                  onInput=${(e: Event) => setWeights({ ...weights, [v.name]: Number((e.target as HTMLInputElement).value) })}
                />
                ${weights[v.name]}
              </td>
              <td>${pct(v.share)}</td>
              <td data-testid="sessions">${v.sessions}</td>
              <td data-testid="commands">${v.commands}</td>
              <td>${pct(v.errorRate)}</td>
              <td>${v.latency.count ? `${v.latency.p95.toFixed(1)} ms` : '—'}</td>
              <td>
                ${c ? html`<span class=${`badge verdict-${c.verdict}`}>${c.verdict}</span>` : html`<span class="muted">control</span>`}
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
    <ul class="summaries">
      ${report.comparisons.map((c) => html`<li data-testid="verdict-summary">${c.summary}</li>`)}
    </ul>
    ${
      report.running &&
      html`<p>
        ${
          changed &&
          html`<span role="status" data-testid="would-move"
            >about ${pct(moving)} of the experiment's users would change variant (new sessions; ${active} live
            sessions stay where they are)</span
          > `
        }
        <button disabled=${!changed} onClick=${() => void apply()}>Apply weights</button>
        <button class="danger" onClick=${() => setStopping(true)}>Stop…</button>
        <span role="status">${message}</span>
      </p>`
    }
    ${
      stopping &&
      html`<${ConfirmDialog}
        title=${`Stop ${report.name}?`}
        confirmLabel="Stop experiment"
        onCancel=${() => setStopping(false)}
        onConfirm=${() => void stop()}
      >
        <label
          ><input
            type="checkbox"
            checked=${moveSessions}
            onChange=${(e: Event) => setMoveSessions((e.target as HTMLInputElement).checked)}
          />
          move its sessions to the main pool (else they finish where they are)</label
        >
      <//>`
    }
  </article>`;
}

/** A/B experiments: the start form, then each experiment with its figures, verdicts, weights and stop. */
export function ExperimentsView({ store, conn }: { store: Store; conn: Connection }) {
  useStore(store);
  if (conn.hello?.user.role !== 'admin') return html`<p role="alert">Experiments are for admins only.</p>`;
  const types = [...new Set(['tmux', 'node-pty', ...store.backends.map((b) => b.type)])];
  return html`<section aria-labelledby="experiments-title">
    <h2 id="experiments-title">Experiments</h2>
    <${ExperimentForm} conn=${conn} types=${types} onStarted=${() => undefined} />
    <div class="cards">
      ${store.experiments.length === 0 && html`<p class="muted">No experiment yet.</p>`}
      ${store.experiments.map((r) => html`<${ExperimentCard} key=${`${r.name}/${r.startedAt}`} conn=${conn} report=${r} />`)}
    </div>
  </section>`;
}
