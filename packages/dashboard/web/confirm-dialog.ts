import { useEffect, useRef } from 'preact/hooks';
import { type ComponentChildren } from 'preact';
import { html } from './html';

/**
 * A modal confirmation (the native `<dialog>`: focus moves into it, Escape cancels, the page behind is
 * inert). `children` are extra fields; `onConfirm` runs on the confirm button.
 */
export function ConfirmDialog(props: {
  title: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return html`<dialog
    ref=${ref}
    aria-labelledby="confirm-title"
    onCancel=${(e: Event) => {
      e.preventDefault();
      props.onCancel();
    }}
  >
    <form
      method="dialog"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        props.onConfirm();
      }}
    >
      <h2 id="confirm-title">${props.title}</h2>
      ${props.children}
      <div class="buttons">
        <button type="button" onClick=${props.onCancel}>Cancel</button>
        <button type="submit" class="danger">${props.confirmLabel}</button>
      </div>
    </form>
  </dialog>`;
}
