import { html } from './html';
import { type Alert } from './model';
import { type Store } from './store';
import { useStore } from './use-store';

function when(at: number | undefined): string {
  return at ? new Date(at).toLocaleString() : '';
}

function AlertItem({ alert }: { alert: Alert }) {
  return html`<li
    class=${`alert ${alert.severity} ${alert.state}`}
    data-testid=${`alert-${alert.state}`}
    data-rule=${alert.rule}
  >
    <p><span class=${`badge ${alert.severity}`}>${alert.severity}</span> <strong>${alert.summary}</strong></p>
    ${alert.description && html`<p class="why">${alert.description}</p>`}
    <p class="muted">
      fired
      ${when(alert.firedAt)}${alert.resolvedAt ? ` · resolved ${when(alert.resolvedAt)}` : ''}${
        alert.resolution ? ` (${alert.resolution})` : ''
      }
    </p>
  </li>`;
}

/** Firing alerts, then resolved ones, newest first: when, what and why. */
export function AlertsView({ store }: { store: Store }) {
  useStore(store);
  return html`<section aria-labelledby="alerts-title">
    <h2 id="alerts-title">Alerts</h2>
    <h3>Active (${store.activeAlerts.length})</h3>
    <ul class="alerts" data-testid="active-alerts" aria-live="assertive">
      ${store.activeAlerts.length === 0 && html`<li class="muted">Nothing is firing.</li>`}
      ${[...store.activeAlerts].reverse().map((a) => html`<${AlertItem} key=${a.id} alert=${a} />`)}
    </ul>
    <h3>Past</h3>
    <ul class="alerts" data-testid="resolved-alerts">
      ${store.resolvedAlerts.length === 0 && html`<li class="muted">No resolved alert.</li>`}
      ${store.resolvedAlerts.map((a) => html`<${AlertItem} key=${a.id} alert=${a} />`)}
    </ul>
  </section>`;
}
