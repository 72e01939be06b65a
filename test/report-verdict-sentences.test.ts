import { describe, expect, it } from 'vitest';
import type { Comparison, RunResult } from '../src/core/result-schema.js';
import { renderVerdicts } from '../src/report/render-verdicts.js';
import { bullets } from './helpers/markdown-sections.js';
import { CONN_STEP, RATE_STEP, runWithBaseline } from './helpers/verdict-run-factory.js';

/** The verdict's sentence about one system. */
function sentenceAbout(run: RunResult, system: string): string {
  const found = bullets(renderVerdicts(run)).filter((b) => new RegExp(`(^|, )${system} `).test(b) && !b.includes(' is compared ') && !b.includes(' against '));
  if (found.length !== 1) throw new Error(`expected one sentence about ${system}, found ${found.length}`);
  return found[0]!;
}

/** The headline comparison of istio-ambient (against its unmeshed namespace) at one step, to set known numbers on. */
function ambientHeadline(run: RunResult, step: string): Comparison {
  const c = run.comparisons.find((x) => x.system === 'istio-ambient' && x.reference === 'istio-ambient/unmeshed' && x.step === step);
  if (!c?.p99) throw new Error('fixture changed');
  return c;
}

describe('one sentence per system, in plain words', () => {
  it('says what a significant added p99 is, with its interval, relative change, load and p', () => {
    const run = runWithBaseline();
    const c = ambientHeadline(run, RATE_STEP);
    c.deltaP99Us = { value: 1210, ci95: [1180, 1250] };
    c.pValueP99 = 0.008;
    // The unmeshed namespace's p99 at this step is 500 µs: +1210 µs is +242.0%.
    expect(sentenceAbout(run, 'istio-ambient')).toContain(
      'Against its own unmeshed namespace in the same cluster, istio-ambient added 1.21 ms [1.18–1.25] (+242.0%) to p99 at 1000 req/s, p=0.008',
    );
  });

  it('covers every load of the system, in scenario order, from the real statistics', () => {
    expect(sentenceAbout(runWithBaseline(), 'istio')).toBe(
      'Against baseline in another cluster, istio added 1.00 ms [1.00–1.00] (+208.3%) to p99 at 1000 req/s, p=0.008; ' +
        'added 750 µs [750–750] (+166.7%) to p99 at 16 connections, p=0.008.',
    );
  });

  it('says "took … off" when the system is significantly faster', () => {
    const run = runWithBaseline();
    const c = ambientHeadline(run, CONN_STEP);
    c.deltaP99Us = { value: -45, ci95: [-80, -20] };
    c.p99!.outcome = 'significant';
    // The unmeshed namespace's p99 at 16 connections is 450 µs: -45 µs is -10.0%.
    expect(sentenceAbout(run, 'istio-ambient')).toContain('took 45 µs [20–80] (-10.0%) off p99 at 16 connections, p=0.008');
  });

  it('says "no significant difference" with the interval, p, the repetitions and the smallest detectable shift', () => {
    const run = runWithBaseline();
    const c = ambientHeadline(run, RATE_STEP);
    c.deltaP99Us = { value: 5, ci95: [-10, 20] };
    c.pValueP99 = 0.4;
    c.p99!.outcome = 'not-significant';
    c.p99!.minimumDetectableUs = 45;
    expect(sentenceAbout(run, 'istio-ambient')).toContain(
      'istio-ambient made no significant difference to p99 at 1000 req/s (+5 µs [-10, +20], p=0.400, n=5, smallest detectable 45 µs); added 10 µs',
    );
  });

  it('does not call a shift within install-to-install variation significant', () => {
    const run = runWithBaseline();
    const c = run.comparisons.find((x) => x.system === 'istio' && x.step === RATE_STEP)!;
    c.p99!.outcome = 'within-install-variation';
    const sentence = sentenceAbout(run, 'istio');
    expect(sentence).toContain('istio changed p99 at 1000 req/s by no more than installs vary (+1.00 ms [+1.00, +1.00], p=0.008, n=5)');
    expect(sentence).not.toContain('added 1.00 ms');
  });

  it('names both sample sizes, the reference first, when they differ', () => {
    const run = runWithBaseline();
    const c = ambientHeadline(run, RATE_STEP);
    c.p99!.outcome = 'not-significant';
    c.repetitions = { reference: 5, system: 4 };
    expect(sentenceAbout(run, 'istio-ambient')).toMatch(/p=0\.008, n=5 vs 4\)/);
  });
});
