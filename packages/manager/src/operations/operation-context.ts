import { type PluginTypes } from '../config-check';
import { type ManagerEvents } from '../context/manager-context';
import { type Readiness } from '../context/readiness';
import { type PoolHealth } from '../monitoring/pool-health';
import { type Prober } from '../monitoring/prober';
import { type BackendPool } from '../pool/backend-pool';
import { type ManagedSession } from '../sessions/managed-session';
import { type SessionMover } from './drain';

/** What an operation on the pool at run time (a change, a swap, an experiment) works with. */
export interface OperationContext {
  readiness: Pick<Readiness, 'ready' | 'check' | 'refusal' | 'shutDownError'>;
  /** The plugin types a spec may name. */
  plugins: PluginTypes;
  pool: BackendPool<ManagedSession>;
  prober: Prober;
  health: PoolHealth;
  /** Moves the sessions of a backend being emptied. */
  mover: SessionMover;
  events: ManagerEvents;
}
