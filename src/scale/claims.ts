import { z } from 'zod';
import type { FileSystem } from '../core/deps.js';
import { InputError } from '../core/errors.js';
import { fieldPath, parseYamlDocument, readInputFile, yamlData } from '../core/input-file.js';
import { claimSchema, scaleRoles, type Claim, type IntervalEstimate } from '../core/scale-schema.js';

/**
 * clusters/claims.yaml: the public claims about mesh memory the scale model is checked against. They are claims,
 * quoted with their source, never measurements: the report labels them so and prints measured ÷ claimed beside them.
 * Memory is written as the claims write it, in decimal MB or GB (1 GB = 10⁹ bytes).
 */
const SIZE = /^(\d+(?:\.\d+)?)\s*(MB|GB)$/;
const sizeField = z.string({ error: 'must be a size like "50MB" or "100GB"' }).transform((text, ctx) => {
  const match = SIZE.exec(text.trim());
  if (!match) {
    ctx.issues.push({ code: 'custom', input: text, message: `must be a size like "50MB" or "100GB", got ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return Number(match[1]) * (match[2] === 'GB' ? 1e9 : 1e6);
});

const claimEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'must be lowercase letters, digits and "-"'),
    wording: z.string().min(1),
    source: z.string().min(1),
    /** The mesh-bench systems the claim is about. */
    systems: z.array(z.string().min(1)).min(1),
    kind: z.enum(['mesh-total', 'per-pod', 'per-node']),
    role: z.enum(scaleRoles).optional(),
    nodes: z.number().int().positive().optional(),
    pods: z.number().int().positive().optional(),
    memory: z.union([sizeField, z.object({ low: sizeField, high: sizeField }).strict()], {
      error: (issue) => `must be a size like "50MB" or "100GB", or { low, high } of two, got ${JSON.stringify(issue.input)}`,
    }),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.kind === 'mesh-total' && (c.nodes === undefined || c.pods === undefined))
      ctx.addIssue({ code: 'custom', path: ['nodes'], message: 'a mesh-total claim needs nodes and pods' });
    if (c.kind !== 'mesh-total' && c.role === undefined)
      ctx.addIssue({ code: 'custom', path: ['role'], message: `a ${c.kind} claim needs the role it is about` });
  });

const claimsFileSchema = z.object({ claims: z.array(claimEntrySchema).min(1) }).strict();

export interface ClaimOfSystems {
  systems: readonly string[];
  claim: Claim;
}

export async function loadClaims(path: string, fs: FileSystem): Promise<ClaimOfSystems[]> {
  return parseClaims(await readInputFile(path, fs, 'claims file'), path);
}

export function parseClaims(text: string, source: string): ClaimOfSystems[] {
  const parsed = claimsFileSchema.safeParse(yamlData(parseYamlDocument(text, source), source, 'is empty'));
  if (!parsed.success) {
    throw new InputError(parsed.error.issues.map((issue) => ({ source, field: fieldPath(issue.path), message: issue.message })));
  }
  return parsed.data.claims.map(({ systems, memory, ...rest }) => {
    const [lowBytes, highBytes] = typeof memory === 'number' ? [memory, memory] : [memory.low, memory.high];
    return { systems, claim: claimSchema.parse({ ...rest, lowBytes, highBytes }) };
  });
}

/** The claims that name `system`, in file order. */
export function claimsFor(system: string, claims: readonly ClaimOfSystems[]): Claim[] {
  return claims.filter((c) => c.systems.includes(system)).map((c) => c.claim);
}

/** measured ÷ claimed: one ratio for a single figure, the pair (÷ high, ÷ low) for a range. */
export function claimRatio(measured: number, claim: Claim): { low: number; high: number } {
  return { low: measured / claim.highBytes, high: measured / claim.lowBytes };
}

/** Whether the claim (a figure or a range) meets the measured 95% interval. */
export function claimWithinInterval(interval: IntervalEstimate, claim: Claim): boolean {
  return claim.lowBytes <= interval.high && claim.highBytes >= interval.low;
}
