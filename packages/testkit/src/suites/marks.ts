/**
 * The start of a vth shell integration mark (`ESC ] 6973 ;`). Kept here rather than imported from
 * `@vth/shell-integration`: the testkit depends on the contract only, and a backend's marks must never
 * reach a command's output whichever integration it uses.
 */
export const MARK_START = '\x1b]6973;';
