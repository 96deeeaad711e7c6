import { EventEmitter } from 'node:events';
import { type BackendEventMap } from './events';
import { subscribe } from './event-subscription';

describe('subscribe', () => {
  it('attaches each handler to its event and detaches exactly those, once', () => {
    const emitter = new EventEmitter<BackendEventMap>();
    const seen: string[] = [];
    const other = (): void => void seen.push('other');
    emitter.on('output', other);
    const detach = subscribe(emitter, {
      output: (e) => seen.push(`output:${e.data}`),
      'session-closed': (e) => seen.push(`closed:${e.sessionId}`),
    });
    emitter.emit('output', { sessionId: 's', paneId: '0', data: 'x' });
    emitter.emit('session-closed', { sessionId: 's', reason: 'destroyed' });
    expect(seen).toEqual(['other', 'output:x', 'closed:s']);
    expect(emitter.listenerCount('output')).toBe(2);
    detach();
    detach();
    emitter.emit('output', { sessionId: 's', paneId: '0', data: 'y' });
    emitter.emit('session-closed', { sessionId: 's', reason: 'destroyed' });
    expect(seen).toEqual(['other', 'output:x', 'closed:s', 'other']);
    expect(emitter.listenerCount('output')).toBe(1);
    expect(emitter.listenerCount('session-closed')).toBe(0);
  });

  it('skips names whose handler is absent', () => {
    const emitter = new EventEmitter<BackendEventMap>();
    const detach = subscribe(emitter, { output: undefined, error: () => undefined });
    expect(emitter.eventNames()).toEqual(['error']);
    detach();
    expect(emitter.eventNames()).toEqual([]);
  });
});
