import { type Condition, type Observation } from './condition';

/** A running experiment's variant found worse than its control (the comparison's verdict, Bonferroni-corrected). */
export const experimentWorse: Condition<'experiment-worse'> = (rule, { source }) => {
  const out: Observation[] = [];
  for (const report of source.experiments()) {
    if (!report.running || (rule.experiments && !rule.experiments.includes(report.name))) continue;
    for (const c of report.comparisons) {
      if (c.verdict !== 'worse') continue;
      out.push({
        key: `${report.name}/${c.variant}`,
        labels: { experiment: report.name, variant: c.variant, control: c.control },
        summary: `experiment ${report.name}: variant ${c.variant} worse than ${c.control}`,
        description: c.summary,
      });
    }
  }
  return out;
};
