import { experimentSpecSchema } from './experiment-config';
import { managerConfigSchema } from './manager-config';

/** Every issue of a failed parse as `path: message`. */
function issues(result: {
  success: boolean;
  error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
}) {
  return (result.error?.issues ?? []).map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
}

describe('flagDuplicates, through the configs that use it', () => {
  it('names each repeated backend id and experiment name at its place, not the first one', () => {
    const variants = [
      { name: 'control', backends: [{ type: 'fake' }] },
      { name: 'treatment', backends: [{ type: 'fake' }] },
    ];
    const parsed = managerConfigSchema.safeParse({
      backends: [
        { type: 'fake', id: 'a' },
        { type: 'fake' },
        { type: 'fake', id: 'a' },
        { type: 'fake', id: 'a' },
      ],
      experiments: [
        { name: 'x', variants },
        { name: 'y', variants },
        { name: 'x', variants },
      ],
    });
    expect(issues(parsed)).toEqual([
      'backends.2.id: duplicate id "a"',
      'backends.3.id: duplicate id "a"',
      'experiments.2.name: duplicate experiment "x"',
    ]);
  });

  it('names a repeated variant, and still knows the names for the control check', () => {
    const arm = (name: string) => ({ name, backends: [{ type: 'fake' }] });
    expect(
      issues(
        experimentSpecSchema.safeParse({ name: 'e', variants: [arm('a'), arm('b'), arm('a')], control: 'b' }),
      ),
    ).toEqual(['variants.2.name: duplicate variant "a"']);
    expect(
      issues(experimentSpecSchema.safeParse({ name: 'e', variants: [arm('a'), arm('b')], control: 'c' })),
    ).toEqual(['control: no variant named "c"']);
  });
});
