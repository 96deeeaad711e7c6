import { type BackendCapabilityFlag } from '@vth/core';

// A Record over the flag type, so this stops compiling when @vth/core adds or renames a flag.
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
