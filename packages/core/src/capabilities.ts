/**
 * What a backend can do. Optional abilities are flags, not extra required methods: a backend without
 * `multiplePanes` still implements every method and answers `UNSUPPORTED` or `PANE_NOT_FOUND`.
 */
export interface BackendCapabilities {
  /** Shell state (cwd, env, variables) persists from one command to the next in a session. */
  persistentSessions: boolean;
  /** A session can hold more than one pane (split panes, addressed by `paneId`). */
  multiplePanes: boolean;
  /** `resize` changes the terminal size the programs in the session see. */
  resize: boolean;
  /** `interrupt` delivers Ctrl-C (and escalates) to the running command. */
  interrupt: boolean;
  /** `sendInput` writes to the terminal, e.g. answers for a command reading stdin. */
  sendInput: boolean;
  /** `capture` returns the session's recent output (scrollback). */
  capture: boolean;
  /** `output` events stream while a command runs. */
  streaming: boolean;
  /** Commands report their real exit status. */
  exitCodes: boolean;
  /** `CommandExecution.cwd` reports the shell's working directory after each command. */
  cwdTracking: boolean;
  /** How strongly sessions are separated from the host and from each other. */
  isolation: 'none' | 'process' | 'container' | 'vm';
  /** The shell runs on another machine. */
  remote: boolean;
  /**
   * `pauseOutput`/`resumeOutput` stop and restart reading a session's terminal (back-pressure to the
   * program). Optional: a backend without it leaves it out, and reads as `false`.
   */
  flowControl?: boolean;
  /**
   * Long commands: `executeCommand` honours `context.yieldAfterMs` (returning `status: 'running'` with a
   * handle), and `readOutput` / `waitFor` follow the command. Optional; reads as `false` when left out.
   */
  longCommands?: boolean;
}

/** The required boolean capabilities (optional ones, like `flowControl`, are read with `=== true`). */
export type BackendCapabilityFlag = {
  [K in keyof BackendCapabilities]-?: object extends Pick<BackendCapabilities, K>
    ? never
    : BackendCapabilities[K] extends boolean
      ? K
      : never;
}[keyof BackendCapabilities];

/** Names of the boolean capabilities `caps` lacks among `required`. */
export function missingCapabilities(
  caps: BackendCapabilities,
  required: readonly BackendCapabilityFlag[] = [],
): BackendCapabilityFlag[] {
  return required.filter((flag) => caps[flag] !== true);
}

// A Record over the flag type, so this stops compiling when a flag is added or renamed.
const FLAGS: Record<BackendCapabilityFlag, true> = {
  persistentSessions: true,
  multiplePanes: true,
  resize: true,
  interrupt: true,
  sendInput: true,
  capture: true,
  streaming: true,
  exitCodes: true,
  cwdTracking: true,
  remote: true,
};

/** Every boolean capability of `BackendCapabilities`, in declaration order. */
export const CAPABILITY_FLAGS = Object.keys(FLAGS) as readonly BackendCapabilityFlag[];

/** The optional boolean capabilities: absent reads as `false`, with no warning (older plugins lack them). */
export type OptionalCapabilityFlag = Exclude<
  {
    [K in keyof BackendCapabilities]-?: BackendCapabilities[K] extends boolean | undefined ? K : never;
  }[keyof BackendCapabilities],
  BackendCapabilityFlag | 'isolation'
>;
const OPTIONAL_FLAGS: Record<OptionalCapabilityFlag, true> = { flowControl: true, longCommands: true };
/** The {@link OptionalCapabilityFlag}s, for the factory's shape check of a plugin's capabilities. */
export const OPTIONAL_CAPABILITY_FLAGS = Object.keys(OPTIONAL_FLAGS) as readonly OptionalCapabilityFlag[];

/** The values of `BackendCapabilities.isolation`, weakest first: how far a session is kept from the host. */
export const ISOLATION_LEVELS = ['none', 'process', 'container', 'vm'] as const;
