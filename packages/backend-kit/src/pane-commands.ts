import { fail, type BackendResult } from '@vth/core';
import { type RunningCommand } from './running-command';

/** Ended commands a pane keeps answering for (their final status and last output); older ones are forgotten. */
export const ENDED_COMMANDS_KEPT = 8;

/**
 * The commands of one pane followed by handle: the one that holds the pane while it runs (calls that
 * would queue behind it answer `BUSY` with its handle), and the last {@link ENDED_COMMANDS_KEPT} that ended.
 */
export class PaneCommands {
  private readonly byId = new Map<string, RunningCommand>();

  /** The running command that holds the pane, if any. */
  get holder(): RunningCommand | undefined {
    for (const command of this.byId.values()) if (!command.ended) return command;
    return undefined;
  }

  /** `BUSY` (never dispatched) with the running command's handle, while one holds the pane. */
  busy(backendId: string): BackendResult<never> | null {
    const holder = this.holder;
    if (!holder) return null;
    const { handle, commandId, sessionId } = holder.place;
    return fail(
      'BUSY',
      `command ${commandId} is still running in session ${sessionId}: follow it with readOutput/waitFor ` +
        `(handle ${handle}), end it with interrupt, or use another session`,
      { dispatched: false, backendId, details: { handle } },
    );
  }

  add(command: RunningCommand): void {
    this.byId.set(command.place.commandId, command);
  }

  /** The command's id changed before anyone saw it (the runner named it). */
  rename(command: RunningCommand, from: string): void {
    this.byId.delete(from);
    this.add(command);
  }

  get(commandId: string): RunningCommand | undefined {
    return this.byId.get(commandId);
  }

  /** A command that ended before it yielded was never anyone's handle. */
  remove(command: RunningCommand): void {
    this.byId.delete(command.place.commandId);
  }

  /** A command ended: the oldest ended ones beyond the bound are forgotten. */
  ended(): void {
    let ended = 0;
    for (const command of this.byId.values()) if (command.ended) ended++;
    for (const [id, command] of this.byId) {
      if (ended <= ENDED_COMMANDS_KEPT) break;
      if (command.ended) {
        this.byId.delete(id);
        ended--;
      }
    }
  }
}
