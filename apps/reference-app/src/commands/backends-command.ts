import { type BackendCapabilities, type PlatformCheck } from '@vth/core';
import { type BackendFactory, type DiscoveryReport } from '@vth/factory';
import { inject, injectable } from 'tsyringe';
import { EXIT } from '../exit-codes';
import { type Output } from '../stdio';
import { TOKENS } from '../tokens';

export interface BackendsOptions {
  /** Print one JSON document instead of text. */
  json?: boolean;
}

/** One usable (or not) backend, as `vth backends --json` prints it. */
export interface BackendListing {
  type: string;
  version: string;
  description: string;
  /** The package it was discovered in; absent for a plugin registered some other way. */
  package?: string;
  platform: PlatformCheck;
  capabilities: BackendCapabilities;
}

export interface BackendsReport {
  /** The package.json whose dependencies were searched. */
  discoveredFrom: string;
  backends: BackendListing[];
  /** Packages that declare a plugin which could not be loaded, and why. */
  failures: DiscoveryReport['failures'];
}

function describeCapabilities(caps: BackendCapabilities): string {
  const flags = Object.entries(caps)
    .filter(([, value]) => value === true)
    .map(([name]) => name);
  return `${flags.join(', ') || 'none'}; isolation: ${caps.isolation}`;
}

function describePlatform(platform: PlatformCheck): string {
  if (platform.ok) return platform.detail === undefined ? 'ok' : `ok (${platform.detail})`;
  return `unavailable: ${platform.reason}${platform.hint === undefined ? '' : ` (hint: ${platform.hint})`}`;
}

/**
 * `vth backends`: every discovered plugin with its platform check and capabilities, and every package
 * whose plugin failed to load. Always exits 0: it reports, it does not judge.
 */
@injectable()
export class BackendsCommand {
  constructor(
    @inject(TOKENS.BackendFactory) private readonly factory: BackendFactory,
    @inject(TOKENS.DiscoveryReport) private readonly discovery: DiscoveryReport,
    @inject(TOKENS.PluginsFrom) private readonly discoveredFrom: string,
    @inject(TOKENS.Output) private readonly output: Output,
  ) {}

  async run(options: BackendsOptions = {}): Promise<number> {
    const report = await this.report();
    this.output.stdout.write(
      options.json === true ? `${JSON.stringify(report, null, 2)}\n` : this.text(report),
    );
    return EXIT.ok;
  }

  /** Runs every plugin's platform probe (side by side: each may take a moment). */
  async report(): Promise<BackendsReport> {
    const backends = await Promise.all(
      this.factory.list().map(async (summary): Promise<BackendListing> => {
        const check = await this.factory.checkPlatform(summary.type);
        const found = this.discovery.plugins.find((p) => p.type === summary.type);
        return {
          type: summary.type,
          version: summary.version,
          description: summary.description,
          ...(found === undefined ? {} : { package: found.package }),
          platform: check.ok ? check.value : { ok: false, reason: check.error.message },
          capabilities: summary.capabilities,
        };
      }),
    );
    return { discoveredFrom: this.discoveredFrom, backends, failures: this.discovery.failures };
  }

  private text(report: BackendsReport): string {
    const lines: string[] = [];
    if (report.backends.length === 0) {
      lines.push(`no backend plugins found among the dependencies of ${report.discoveredFrom}`);
    }
    for (const b of report.backends) {
      lines.push(`${b.type} ${b.version}${b.package === undefined ? '' : ` (${b.package})`}`);
      lines.push(`  ${b.description}`);
      lines.push(`  platform: ${describePlatform(b.platform)}`);
      lines.push(`  capabilities: ${describeCapabilities(b.capabilities)}`);
    }
    if (report.failures.length > 0) {
      lines.push('', 'plugins that failed to load:');
      for (const f of report.failures) lines.push(`  ${f.package}: ${f.reason}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
