import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ok, type BackendResult } from '@vth/core';
import { readProcStat } from '@vth/shell-integration';
import { docker, IMAGE } from '../test/docker-cli';
import { shellHostPid } from './container-inspection';
import { EngineClient } from './engine-client';
import { parseDockerHost } from './engine-endpoint';

jest.setTimeout(60_000);

/** An engine whose inspect answers `inspected`, whatever container is asked about. */
const answering = (inspected: unknown) =>
  ({ json: async (): Promise<BackendResult<unknown>> => ok(inspected) }) as unknown as EngineClient;

describe('shellHostPid: the host pid of a container shell, only when it really is that container', () => {
  let containerId = '';
  let engine: EngineClient;
  beforeAll(() => {
    containerId = docker('run', '-d', '--init', '--network', 'none', IMAGE, 'sleep', '300');
    engine = new EngineClient({
      endpoint: parseDockerHost('unix:///var/run/docker.sock')!,
      timeoutMs: 10_000,
      backendId: 'inspection-test',
    });
  });
  afterAll(() => {
    engine.close();
    docker('rm', '-f', containerId);
  });

  it("finds the child of the container's init, in the container's cgroup", async () => {
    const pid = await shellHostPid(engine, containerId);
    expect(pid).not.toBeNull();
    expect(readFileSync(`/proc/${pid}/comm`, 'latin1').trim()).toBe('sleep');
    expect(readFileSync(`/proc/${pid}/cgroup`, 'latin1')).toContain(containerId);
  });

  it('answers null when the pid the engine names is, here, some other process (vth in a PID namespace of its own)', async () => {
    // This process, with a child: were the engine's pid taken at its word, the child would be "the shell".
    const child = spawn('/bin/sleep', ['300'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      expect(readProcStat(child.pid!)?.ppid).toBe(process.pid);
      const id = 'f'.repeat(64);
      expect(await shellHostPid(answering({ Id: id, State: { Pid: process.pid } }), id)).toBeNull();
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });

  it("answers null for another container's init, and when the engine names no pid or no id", async () => {
    const initPid = Number(docker('inspect', '-f', '{{.State.Pid}}', containerId));
    const other = 'e'.repeat(64);
    expect(await shellHostPid(answering({ Id: other, State: { Pid: initPid } }), other)).toBeNull();
    expect(await shellHostPid(answering({ Id: containerId, State: {} }), containerId)).toBeNull();
    expect(await shellHostPid(answering({ State: { Pid: initPid } }), containerId)).toBeNull();
    expect(
      await shellHostPid(answering({ Id: containerId, State: { Pid: initPid } }), containerId),
    ).not.toBeNull();
  });
});
