import { z } from 'zod';
import { type CommandPolicy } from './command-policy';
import { commandPolicy, commandRuleSchema, type CommandRuleInput } from './command-rules';
import { DANGEROUS_COMMANDS } from './dangerous-commands';

/** Rule sets a config names instead of spelling them out. */
export const COMMAND_PRESETS: Readonly<Record<'dangerous', readonly CommandRuleInput[]>> = Object.freeze({
  dangerous: DANGEROUS_COMMANDS,
});

/** A preset's name, as `security.commands.preset` takes it. */
export type CommandPreset = keyof typeof COMMAND_PRESETS;

const PRESET_NAMES = Object.keys(COMMAND_PRESETS) as [CommandPreset, ...CommandPreset[]];

/** What `commandPolicy` takes at most, presets included. */
const MAX_RULES = 1000;

const PRESETS_NAMED = PRESET_NAMES.map((p) => `"${p}"`).join(', ');

const presetSchema = z.enum(PRESET_NAMES, { error: `must be a preset: ${PRESETS_NAMED}` });

/**
 * Command rules in a JSON config (`security.commands`): presets by name (`"dangerous"`:
 * `DANGEROUS_COMMANDS`), rules of your own (`commandRuleSchema`), and the answer for commands the rules
 * cannot read. It needs a preset or a rule: an empty section is a mistake, not a policy.
 *
 * @example
 * ```json
 * { "commands": { "preset": "dangerous", "rules": [{ "name": "ask-sudo", "program": "sudo", "action": "confirm" }] } }
 * ```
 */
export const commandRulesConfigSchema = z
  .strictObject({
    preset: z
      .union([presetSchema, z.array(presetSchema).min(1).max(PRESET_NAMES.length)], {
        error: `must be a preset (${PRESETS_NAMED}) or a list of presets`,
      })
      .optional(),
    rules: z.array(commandRuleSchema).max(MAX_RULES).optional(),
    /** The answer when a rule may apply but the text cannot tell. Default `confirm`. */
    unanalysable: z.enum(['confirm', 'deny']).optional(),
  })
  .superRefine((config, ctx) => {
    const presets = presetRules(config.preset).length;
    const own = config.rules?.length ?? 0;
    if (presets + own === 0) {
      ctx.addIssue({ code: 'custom', message: 'must name a preset or at least one rule' });
    } else if (presets + own > MAX_RULES) {
      ctx.addIssue({
        code: 'custom',
        path: ['rules'],
        message: `must be at most ${MAX_RULES - presets} rules beside the presets' ${presets}`,
      });
    }
  });

/** A `security.commands` section after parsing: what {@link policyFromRulesConfig} takes. */
export type CommandRulesConfig = z.output<typeof commandRulesConfigSchema>;
/** A `security.commands` section as written. */
export type CommandRulesConfigInput = z.input<typeof commandRulesConfigSchema>;

/**
 * The policy a validated `security.commands` section describes: the presets' rules, then its own.
 *
 * @example
 * ```ts
 * const policy = policyFromRulesConfig(commandRulesConfigSchema.parse({ preset: 'dangerous' }));
 * ```
 */
export function policyFromRulesConfig(config: CommandRulesConfig): CommandPolicy {
  return commandPolicy({
    rules: [...presetRules(config.preset), ...(config.rules ?? [])],
    ...(config.unanalysable === undefined ? {} : { unanalysable: config.unanalysable }),
  });
}

function presetRules(preset: CommandPreset | CommandPreset[] | undefined): CommandRuleInput[] {
  if (preset === undefined) return [];
  return [...new Set([preset].flat())].flatMap((name) => COMMAND_PRESETS[name]);
}
