import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Connection } from './connection';
import { html } from './html';

let refs = 0;

/**
 * One session as a terminal in the page (xterm.js over `vth.v1`): a `writer` types and its size sizes
 * the session (the smallest visible writer wins); a `viewer` only watches and follows the session's size.
 * Starts from the rendered screen, then the live tail; acknowledges what it has drawn (flow control).
 */
export function TerminalView(props: {
  conn: Connection;
  sessionId: string;
  mode: 'writer' | 'viewer';
  onClose: () => void;
}) {
  const { conn, sessionId, mode } = props;
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState('attaching…');
  useEffect(() => {
    const term = new Terminal({
      convertEol: false,
      scrollback: 5000,
      disableStdin: mode === 'viewer',
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
      fontSize: 14,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current!);
    if (mode === 'writer') fit.fit();
    refs += 1;
    const ref = `term-${refs}`;
    let channel: number | undefined;
    let acked = 0;
    const ackEvery = conn.hello?.flow.ackEveryBytes ?? 65536;
    const ack = (offset: number): void => {
      if (channel !== undefined && offset - acked >= ackEvery) {
        acked = offset;
        conn.send({ type: 'ack', channel, offset });
      }
    };
    const offMessages = conn.on((m) => {
      if (m.type === 'attached' && m.ref === ref) {
        channel = m.channel;
        acked = m.offset;
        setState(`${mode} · ${m.cols}×${m.rows}`);
        if (mode === 'viewer') term.resize(m.cols, m.rows);
      } else if (m.type === 'snapshot' && m.channel === channel) {
        term.reset();
        if (mode === 'viewer') term.resize(m.cols, m.rows);
        term.write(m.data, () => ack(m.offset));
      } else if (m.type === 'size' && m.channel === channel) {
        if (mode === 'viewer') term.resize(m.cols, m.rows);
        setState(`${mode} · ${m.cols}×${m.rows}`);
      } else if (m.type === 'detached' && m.channel === channel) {
        setState(m.reason === 'session-closed' ? 'session ended' : `detached (${m.reason})`);
        channel = undefined;
      } else if (m.type === 'error' && m.ref === ref) setState(`refused: ${m.message}`);
    });
    const offOutput = conn.onOutput((ch, offset, data) => {
      if (ch !== channel) return;
      const end = offset + data.length;
      term.write(data, () => ack(end));
    });
    const offData = term.onData((d) => {
      if (mode === 'writer' && channel !== undefined) conn.type(channel, d);
    });
    const offResize = term.onResize(({ cols, rows }) => {
      if (mode === 'writer' && channel !== undefined)
        conn.send({ type: 'viewport', channel, cols, rows, visible: true });
    });
    const observer = new ResizeObserver(() => {
      if (mode === 'writer') fit.fit();
    });
    observer.observe(host.current!);
    conn.send({
      type: 'attach',
      ref,
      sessionId,
      mode,
      from: 'snapshot',
      ...(mode === 'writer' ? { viewport: { cols: term.cols, rows: term.rows, visible: true } } : {}),
    });
    if (mode === 'writer') term.focus();
    return () => {
      observer.disconnect();
      offMessages();
      offOutput();
      offData.dispose();
      offResize.dispose();
      if (channel !== undefined) conn.send({ type: 'detach', channel });
      term.dispose();
    };
  }, [conn, sessionId, mode]);
  return html`<section class="terminal-panel" aria-label=${`Terminal of session ${sessionId}`}>
    <header>
      <h3>${sessionId}</h3>
      <span class="muted" data-testid="terminal-state" role="status">${state}</span>
      <button onClick=${props.onClose}>Detach</button>
    </header>
    <div class="terminal" ref=${host} data-testid="terminal"></div>
  </section>`;
}
