/** A YAML value as the rules export writes it: maps, lists, strings, numbers. */
export type YamlValue = string | number | boolean | YamlValue[] | { [key: string]: YamlValue | undefined };

/**
 * A double-quoted YAML scalar. JSON's escapes are YAML's, and JSON leaves some characters raw that YAML
 * must not see raw (DEL, C1 controls, the BOM, line and paragraph separators, lone surrogates).
 */
export function yamlString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Words YAML 1.1 parsers (Go's yaml.v2 among them) read as booleans or null, even as keys. */
const SPECIAL_WORDS = /^(y|yes|n|no|true|false|on|off|null)$/i;

/** A key as written: plain when it is a plain word, quoted otherwise. */
function yamlKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !SPECIAL_WORDS.test(key) ? key : yamlString(key);
}

function scalar(value: string | number | boolean): string {
  return typeof value === 'string' ? yamlString(value) : String(value);
}

function isBlock(value: YamlValue): value is YamlValue[] | { [key: string]: YamlValue } {
  return (
    typeof value === 'object' && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0)
  );
}

/** Block-style YAML of `value` at `indent` spaces. */
export function toYaml(value: YamlValue, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return `${pad}[]\n`;
    return value
      .map((item) => {
        if (!isBlock(item)) return `${pad}- ${emptyOrScalar(item)}\n`;
        const inner = toYaml(item, indent + 2);
        return `${pad}- ${inner.slice(indent + 2)}`;
      })
      .join('');
  }
  if (typeof value !== 'object') return `${pad}${scalar(value)}\n`;
  return Object.entries(value)
    .filter((entry): entry is [string, YamlValue] => entry[1] !== undefined)
    .map(([key, item]) =>
      isBlock(item)
        ? `${pad}${yamlKey(key)}:\n${toYaml(item, indent + 2)}`
        : `${pad}${yamlKey(key)}: ${emptyOrScalar(item)}\n`,
    )
    .join('');
}

function emptyOrScalar(value: YamlValue): string {
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object') return '{}';
  return scalar(value);
}
