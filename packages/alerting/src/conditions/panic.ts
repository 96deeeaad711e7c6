import { type Condition } from './condition';

/** The main pool in panic mode: too few backends in rotation, so the manager routes to all of them. */
export const panic: Condition<'panic'> = (_rule, { source }) => {
  if (source.metrics()?.panic !== true) return [];
  const main = source.backends().filter((b) => b.group === 'main');
  const inRotation = main.filter((b) => b.running && !b.ejected).length;
  return [
    {
      key: 'main',
      labels: { group: 'main' },
      summary: 'pool main in panic mode',
      description:
        `${inRotation} of ${main.length} backends in rotation, below the panic threshold: ` +
        'new sessions go to every backend, healthy or not',
      value: inRotation,
    },
  ];
};
