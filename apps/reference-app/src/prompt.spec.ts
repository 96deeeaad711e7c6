import { promptFor } from './prompt';

describe('promptFor', () => {
  it.each([
    ['/tmp', '/home/ada', 'vth /tmp $ '],
    ['/home/ada', '/home/ada', 'vth ~ $ '],
    ['/home/ada/src', '/home/ada', 'vth ~/src $ '],
    ['/home/adam', '/home/ada', 'vth /home/adam $ '],
    ['/srv', undefined, 'vth /srv $ '],
    ['/srv', '/', 'vth /srv $ '],
  ])('%s with HOME=%s -> %j', (cwd, home, prompt) => {
    expect(promptFor(cwd, home)).toBe(prompt);
  });
});
