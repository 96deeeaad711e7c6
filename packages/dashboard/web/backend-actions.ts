import { useState } from 'preact/hooks';
import { type Connection } from './connection';
import { ConfirmDialog } from './confirm-dialog';
import { html } from './html';
import { type BackendRow } from './model';

type Step = { label: string; done: boolean };
type Action = 'drain' | 'undrain' | 'swap';

interface Progress {
  action: Action;
  steps: Step[];
  result?: string;
  failed?: boolean;
}

function swapSteps(): Step[] {
  return [
    { label: 'replacement starting', done: false },
    { label: 'replacement up, probes passed', done: false },
    { label: 'sessions moved: 0', done: false },
    { label: 'old backend gone', done: false },
  ];
}

/**
 * Drain, undrain and hot swap of a backend of the pool, each behind a confirmation, with the hot swap's
 * progress (its streamed steps) and the result report. Admins only (the server refuses anyone else).
 * Outside the backend table: a swap replaces the row it was started from.
 */
export function BackendActions({ conn, backends }: { conn: Connection; backends: BackendRow[] }) {
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [asking, setAsking] = useState<Action | undefined>(undefined);
  const [progress, setProgress] = useState<Progress | undefined>(undefined);
  const backend = backends.find((b) => b.id === selected) ?? backends[0];
  const types = [...new Set(['tmux', 'node-pty', ...backends.map((b) => b.type)])];
  const [swapType, setSwapType] = useState<string | undefined>(undefined);
  const [swapConfig, setSwapConfig] = useState('');
  const [configError, setConfigError] = useState<string | undefined>(undefined);
  if (!backend) return html`<p>No backend in the pool.</p>`;
  const target = backend;
  const chosenType = swapType ?? target.type;
  const busy = progress !== undefined && progress.result === undefined;

  const run = async (action: Action): Promise<void> => {
    let spec: Record<string, unknown> = { type: chosenType };
    if (action === 'swap' && swapConfig.trim()) {
      try {
        spec = { type: chosenType, config: JSON.parse(swapConfig) as unknown };
      } catch {
        setConfigError('config must be JSON (an object)');
        return;
      }
    }
    setConfigError(undefined);
    setAsking(undefined);
    const steps = action === 'swap' ? swapSteps() : [{ label: `${action} requested`, done: false }];
    let moved = 0;
    const update = (mut: (s: Step[]) => void, result?: string, failed?: boolean) => {
      mut(steps);
      setProgress({
        action,
        steps: steps.map((s) => ({ ...s })),
        ...(result ? { result } : {}),
        ...(failed ? { failed } : {}),
      });
    };
    update(() => undefined);
    const onProgress = (event: string): void => {
      if (event === 'swap-started') update((s) => (s[0]!.done = true));
      else if (event === 'session-migrated') {
        moved += 1;
        update((s) => {
          s[1]!.done = true;
          s[2]!.label = `sessions moved: ${moved}`;
        });
      } else if (event === 'backend-swapped') update((s) => s.forEach((x) => (x.done = true)));
    };
    const r =
      action === 'swap'
        ? await conn.request<Record<string, number>>(
            'admin.backends.swap',
            { backendId: target.id, spec, probes: 1, stream: true },
            onProgress,
          )
        : await conn.request<Record<string, number> | null>(`admin.backends.${action}`, {
            backendId: target.id,
          });
    if (r.ok) {
      const v = r.value ?? {};
      const report =
        action === 'undrain'
          ? 'back in rotation'
          : `done in ${Math.round(Number(v.durationMs ?? 0))} ms: ${v.moved ?? 0} moved, ${v.ended ?? 0} ended, ${v.forced ?? 0} forced, ${v.lost ?? 0} lost`;
      update((s) => s.forEach((x) => (x.done = true)), report);
    } else update(() => undefined, `${r.error.code}: ${r.error.message}`, true);
  };

  return html`<div class="actions">
    <label for="action-backend">Backend</label>
    <select
      id="action-backend"
      value=${target.id}
      disabled=${busy}
      onChange=${(e: Event) => {
        setSelected((e.target as HTMLSelectElement).value);
        setSwapType(undefined);
      }}
    >
      ${backends.map((b) => html`<option value=${b.id}>${b.id} (${b.type})</option>`)}
    </select>
    ${
      target.draining
        ? html`<button disabled=${busy} onClick=${() => setAsking('undrain')}>Undrain</button>`
        : html`<button disabled=${busy} onClick=${() => setAsking('drain')}>Drain</button>`
    }
    <button disabled=${busy} onClick=${() => setAsking('swap')}>Hot swap…</button>
    ${
      asking &&
      html`<${ConfirmDialog}
        title=${asking === 'swap' ? `Hot swap ${target.id}` : `${asking === 'drain' ? 'Drain' : 'Undrain'} ${target.id}?`}
        confirmLabel=${asking === 'swap' ? 'Swap' : asking === 'drain' ? 'Drain' : 'Undrain'}
        onCancel=${() => setAsking(undefined)}
        onConfirm=${() => void run(asking)}
      >
        ${asking === 'drain' && html`<p>New sessions go elsewhere; its sessions move away between commands.</p>`}
        ${asking === 'undrain' && html`<p>The backend takes new sessions again.</p>`}
        ${
          asking === 'swap' &&
          html`<p>
              A replacement starts; once its probe passes, sessions move to it and ${target.id} shuts down.
            </p>
            <label
              >Replacement type
              <select
                value=${chosenType}
                onChange=${(e: Event) => setSwapType((e.target as HTMLSelectElement).value)}
              >
                ${types.map((t) => html`<option value=${t}>${t}</option>`)}
              </select></label
            >
            <label
              >Config (JSON, optional)
              <textarea
                rows="3"
                aria-invalid=${configError ? 'true' : 'false'}
                aria-describedby="swap-config-error"
                value=${swapConfig}
                onInput=${(e: Event) => setSwapConfig((e.target as HTMLTextAreaElement).value)}
              ></textarea>
            </label>
            <p id="swap-config-error" class="error" role="alert">${configError ?? ''}</p>`
        }
      <//>`
    }
    ${
      progress &&
      html`<div class="progress" role="status" aria-live="polite" data-testid="action-progress">
        <ol>
          ${progress.steps.map((s) => html`<li class=${s.done ? 'done' : ''}>${s.done ? '✓ ' : '… '}${s.label}</li>`)}
        </ol>
        ${progress.result && html`<p class=${progress.failed ? 'error' : 'ok'} data-testid="action-result">${progress.result}</p>`}
      </div>`
    }
  </div>`;
}
