import type { Shard } from '../../script/select-cases.js';

/**
 * A campaign is a sequence of batches 0, 1, 2, …: batch k runs property floor(k / n) mod P with a
 * seed derived from (campaign seed, k). Shard i of n (1-based, as --shard counts) takes the batches
 * k ≡ i-1 (mod n), so n machines with the same seed share one campaign without running any batch
 * twice, and each still cycles through every property.
 */
export const WHOLE_CAMPAIGN: Shard = { index: 1, count: 1 };

export interface Batch {
  readonly number: number;
  readonly propertyIndex: number;
  /** The fast-check seed of this batch (a 32-bit signed integer, as fast-check takes it). */
  readonly seed: number;
}

/** The j-th batch (0-based) this shard runs. */
export function batchFor(campaignSeed: number, shard: Shard, j: number, propertyCount: number): Batch {
  const number = j * shard.count + (shard.index - 1);
  return { number, propertyIndex: Math.floor(number / shard.count) % propertyCount, seed: mixSeed(campaignSeed, number) };
}

/** A well-spread 32-bit seed from two integers (a murmur3-style finalizer). */
export function mixSeed(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n + 1, 0x9e3779b9)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
