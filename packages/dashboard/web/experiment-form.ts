import { useState } from 'preact/hooks';
import { type Connection } from './connection';
import { html } from './html';

interface VariantDraft {
  name: string;
  type: string;
  weight: string;
}

/** `experiment.variants[1].weight: must be 0 or more` → key `variants.1.weight`, message. */
export function fieldErrors(issues: readonly string[]): { fields: Map<string, string>; other: string[] } {
  const fields = new Map<string, string>();
  const other: string[] = [];
  for (const line of issues) {
    const m =
      /^experiment\.([A-Za-z]+)(?:\[(\d+)\](?:\.([A-Za-z]+))?)?(?:\[\d+\])*(?:\.[A-Za-z]+)*: (.*)$/.exec(
        line,
      );
    if (!m) {
      other.push(line);
      continue;
    }
    const key = m[2] === undefined ? m[1]! : `${m[1]}.${m[2]}${m[3] ? `.${m[3]}` : ''}`;
    if (fields.has(key)) other.push(line);
    else fields.set(key, m[4]!);
  }
  return { fields, other };
}

/**
 * Starts an A/B experiment. The spec is checked by the server with the manager's own schema (the one
 * `admin.experiments.start` uses); its messages land beside the fields they name.
 */
export function ExperimentForm({
  conn,
  types,
  onStarted,
}: {
  conn: Connection;
  types: string[];
  onStarted: (name: string) => void;
}) {
  const [name, setName] = useState('');
  const [traffic, setTraffic] = useState('1');
  const [sources, setSources] = useState('');
  const [variants, setVariants] = useState<VariantDraft[]>([
    { name: 'control', type: types[0] ?? 'tmux', weight: '1' },
    { name: 'candidate', type: types[1] ?? types[0] ?? 'node-pty', weight: '1' },
  ]);
  const [errors, setErrors] = useState<{ fields: Map<string, string>; other: string[] }>({
    fields: new Map(),
    other: [],
  });
  const [busy, setBusy] = useState(false);
  const set = (i: number, patch: Partial<VariantDraft>) =>
    setVariants(variants.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const spec = {
      name,
      traffic: Number(traffic),
      ...(sources.trim()
        ? {
            sources: sources
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          }
        : {}),
      variants: variants.map((v) => ({
        name: v.name,
        weight: Number(v.weight),
        backends: [{ type: v.type }],
      })),
    };
    setBusy(true);
    const r = await conn.request<{ name: string }>('admin.experiments.start', { spec });
    setBusy(false);
    if (r.ok) {
      setErrors({ fields: new Map(), other: [] });
      onStarted(name);
      return;
    }
    const issues = r.error.details?.issues;
    setErrors(
      Array.isArray(issues)
        ? fieldErrors(issues.map(String))
        : { fields: new Map(), other: [`${r.error.code}: ${r.error.message}`] },
    );
  };
  const err = (key: string) => errors.fields.get(key);
  const field = (key: string, label: string, input: unknown) =>
    html`<div class="field">
      <label for=${`exp-${key}`}>${label}</label>
      ${input}
      <span id=${`exp-${key}-error`} class="error" data-testid=${`error-${key}`}>${err(key) ?? ''}</span>
    </div>`;
  const inputProps = (key: string) => ({
    id: `exp-${key}`,
    'aria-invalid': err(key) ? 'true' : 'false',
    'aria-describedby': `exp-${key}-error`,
  });
  return html`<form
    class="experiment-form"
    onSubmit=${submit}
    aria-labelledby="start-title"
    data-testid="experiment-form"
  >
    <h3 id="start-title">Start an experiment</h3>
    ${field('name', 'Name', html`<input ...${inputProps('name')} value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />`)}
    ${field(
      'traffic',
      'Traffic share (0–1)',
      html`<input
        ...${inputProps('traffic')}
        type="number"
        step="0.01"
        value=${traffic}
        onInput=${(e: Event) => setTraffic((e.target as HTMLInputElement).value)}
      />`,
    )}
    ${field(
      'sources',
      'Sources (comma-separated; empty: all)',
      html`<input
        ...${inputProps('sources')}
        value=${sources}
        onInput=${(e: Event) => setSources((e.target as HTMLInputElement).value)}
      />`,
    )}
    <fieldset>
      <legend>Variants (the first is the control)</legend>
      ${variants.map(
        (v, i) =>
          html`<div class="variant-row" key=${i}>
            ${field(`variants.${i}.name`, `Variant ${i + 1} name`, html`<input ...${inputProps(`variants.${i}.name`)} value=${v.name} onInput=${(e: Event) => set(i, { name: (e.target as HTMLInputElement).value })} />`)}
            ${field(
              `variants.${i}.backends`,
              `Variant ${i + 1} backend type`,
              html`<select
                ...${inputProps(`variants.${i}.backends`)}
                value=${v.type}
                onChange=${(e: Event) => set(i, { type: (e.target as HTMLSelectElement).value })}
              >
                ${types.map((t) => html`<option value=${t}>${t}</option>`)}
              </select>`,
            )}
            ${field(
              `variants.${i}.weight`,
              `Variant ${i + 1} weight`,
              html`<input
                ...${inputProps(`variants.${i}.weight`)}
                type="number"
                step="any"
                value=${v.weight}
                onInput=${(e: Event) => set(i, { weight: (e.target as HTMLInputElement).value })}
              />`,
            )}
            ${
              variants.length > 2 &&
              html`<button
                type="button"
                aria-label=${`Remove variant ${i + 1}`}
                onClick=${() => setVariants(variants.filter((_, j) => j !== i))}
              >
                Remove
              </button>`
            }
          </div>`,
      )}
      <span id="exp-variants-error" class="error" data-testid="error-variants">${err('variants') ?? ''}</span>
      <button
        type="button"
        onClick=${() => setVariants([...variants, { name: `variant-${variants.length + 1}`, type: types[0] ?? 'tmux', weight: '1' }])}
      >
        Add a variant
      </button>
    </fieldset>
    <ul class="error" role="alert" data-testid="form-errors">
      ${errors.other.map((line) => html`<li>${line}</li>`)}
      ${[...errors.fields].map(([k, m]) => html`<li class="sr-only">${k}: ${m}</li>`)}
    </ul>
    <button type="submit" disabled=${busy}>Start</button>
  </form>`;
}
