import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, chiSquareTest, jensenShannonDistance, ksExactPValue, proportionZTest } from '../../src/drift/index.js';

// Expected values come from scipy 1.10 (Debian python3-scipy) on the same data:
// stats.ks_2samp(a, b, method='exact'), stats.chi2_contingency(t, correction=False), stats.chi2.sf, distance.jensenshannon.
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected) / expected).toBeLessThan(1e-9);

describe('drift statistics agree with scipy', () => {
  it('gives exact two-sample KS p-values, tiny ones included', () => {
    // D = 0.5667 for samples of 12 and 15 (h = D·m·n = 102).
    close(ksExactPValue(12, 15, 102), 0.01703373128867812);
    close(ksExactPValue(12, 8, 12), 0.9999920616019686);
    close(ksExactPValue(30, 30, 150), 0.8079631540901643);
    close(ksExactPValue(40, 50, 560), 0.0505304311117051);
    // Penguin body mass, Biscoe vs Dream: D = 0.62594 on 167 and 124 rows.
    close(ksExactPValue(167, 124, Math.round(0.6259416650569828 * 167 * 124)), 1.0095556208784593e-26);
    expect(ksExactPValue(10, 10, 0)).toBe(1);
  });

  it('gives chi-square tails and the homogeneity test', () => {
    close(chiSquareSurvival(3.7, 2), 0.1572371663136276);
    close(chiSquareSurvival(50, 7), 1.4444852779215397e-8);
    close(chiSquareSurvival(0.5, 1), 0.47950012218695337);
    const test = chiSquareTest([30, 12, 8], [20, 25, 5]);
    close(test.statistic, 7.259875259875259);
    close(test.pValue, 0.026517838276544973);
    expect(test.df).toBe(2);
  });

  it('gives the Jensen-Shannon distance and a two-sided Z-test', () => {
    close(jensenShannonDistance([0.2, 0.5, 0.3], [0.4, 0.4, 0.2]), 0.15750334552126774);
    // z = (0.5 - 0.3) / sqrt(0.4 · 0.6 · (1/100 + 1/100)) = 2.8868; two-sided p = 2·(1 - Φ(z)) = 0.0038924.
    const z = proportionZTest(50, 100, 30, 100);
    close(z.statistic, 2.886751345948129);
    close(z.pValue, 0.003892417122778628);
  });
});
