import { z } from 'zod';

/**
 * Memory at scale (issue 10, build 3) as the result file stores it: the points measured at several pod counts per
 * node, the fitted per-node and per-pod terms with their intervals, the projection to "N nodes × M pods", and the
 * public claims it is checked against (copied into the result so the report renders from the result alone).
 * Computed in src/scale/ (see its README for the model and why its intervals are what they are).
 * Lives in core because the result schema embeds it. All memory in bytes.
 */

/** The roles the model fits, and how each grows: per node (summed over a node's containers) or once per cluster. */
export const scaleRoles = ['sidecar-proxy', 'node-agent', 'waypoint', 'control-plane', 'workload'] as const;
export type ScaleRole = (typeof scaleRoles)[number];

/**
 * `node`: one point per worker node and window, x = pods on that node, y = the role's memory on that node; the
 * intercept is a per-node cost. `cluster`: one point per window, x = pods in the cluster, y = the role's memory in the
 * whole cluster; the intercept is paid once per cluster (a control plane, a namespace waypoint).
 */
export const scaleScopes = ['node', 'cluster'] as const;
export type ScaleScope = (typeof scaleScopes)[number];

/** The mesh's own memory: what the claims are about (the workload and the load client are the benchmark's). */
export const meshScaleRoles = ['sidecar-proxy', 'node-agent', 'waypoint', 'control-plane'] as const satisfies readonly ScaleRole[];

/** An estimate with its two-sided 95% interval. */
export const intervalEstimateSchema = z
  .object({ estimate: z.number(), low: z.number(), high: z.number() })
  .strict();
export type IntervalEstimate = z.infer<typeof intervalEstimateSchema>;

/** One measured point: the mean working set of a role's containers on one node (or in the cluster) over one window. */
export const scalePointSchema = z
  .object({
    /** Pods of the workload on that node (scope node) or in the cluster (scope cluster). */
    pods: z.number().int().nonnegative(),
    bytes: z.number().nonnegative(),
    /** The node the point was measured on (scope node). */
    node: z.string().optional(),
  })
  .strict();
export type ScalePoint = z.infer<typeof scalePointSchema>;

export const memoryTermSchema = intervalEstimateSchema.extend({ standardError: z.number().nonnegative() }).strict();
export type MemoryTerm = z.infer<typeof memoryTermSchema>;

/** Ordinary least squares of bytes on pods, with what a projection needs to recompute its interval. */
export const memoryFitSchema = z
  .object({
    /** The intercept: bytes per node (scope node) or once per cluster (scope cluster). */
    fixed: memoryTermSchema,
    /** The slope: bytes per pod. */
    perPod: memoryTermSchema,
    points: z.number().int().min(3),
    degreesOfFreedom: z.number().int().min(1),
    /** Residual standard deviation, √(SSE ÷ (n − 2)). */
    residualSd: z.number().nonnegative(),
    meanPods: z.number().nonnegative(),
    /** Σ(pods − mean)²: how spread the measured pod counts are; the interval widens away from meanPods. */
    podsSumOfSquares: z.number().positive(),
  })
  .strict();
export type MemoryFit = z.infer<typeof memoryFitSchema>;

export const roleScaleSchema = z
  .object({
    role: z.enum(scaleRoles),
    scope: z.enum(scaleScopes),
    points: z.array(scalePointSchema),
    fit: memoryFitSchema,
    /** Projected memory of this role at the projection's nodes × pods, with its 95% prediction interval. */
    projected: intervalEstimateSchema,
  })
  .strict();
export type RoleScale = z.infer<typeof roleScaleSchema>;

export const scaleConditions = ['idle', 'load'] as const;
export type ScaleCondition = (typeof scaleConditions)[number];

export const scaleConditionResultSchema = z
  .object({
    condition: z.enum(scaleConditions),
    /** The fixed request rate during the window (condition load). */
    rate: z.number().positive().optional(),
    roles: z.array(roleScaleSchema),
    /** Σ of the mesh roles' projections (meshScaleRoles) with the intervals combined in quadrature; null without any. */
    meshProjected: intervalEstimateSchema.nullable(),
  })
  .strict();
export type ScaleConditionResult = z.infer<typeof scaleConditionResultSchema>;

/** What a public claim says, as numbers: a total at nodes × pods, or a per-pod or per-node cost of one role. */
export const claimSchema = z
  .object({
    id: z.string().min(1),
    /** The claim's own words, quoted. */
    wording: z.string().min(1),
    /** Where it comes from, as given (a URL when one was given). */
    source: z.string().min(1),
    kind: z.enum(['mesh-total', 'per-pod', 'per-node']),
    /** The role a per-pod or per-node claim is about. */
    role: z.enum(scaleRoles).optional(),
    /** The cluster a mesh-total claim is about. */
    nodes: z.number().int().positive().optional(),
    pods: z.number().int().positive().optional(),
    /** Claimed bytes: a single figure ("~100 GB") has low = high. */
    lowBytes: z.number().positive(),
    highBytes: z.number().positive(),
  })
  .strict();
export type Claim = z.infer<typeof claimSchema>;

export const systemScaleSchema = z
  .object({
    /** Worker nodes the workload was spread over; absent when the windows failed before the workers were read. */
    nodes: z.number().int().positive().optional(),
    /** Server replicas per node measured, in order. */
    replicasPerNode: z.array(z.number().int().positive()).min(2),
    /** The cluster the model projects to. */
    projection: z.object({ nodes: z.number().int().positive(), pods: z.number().int().positive() }).strict(),
    /** Empty when the section is invalid (invalidReasons): no fit is made from windows that cannot be trusted. */
    conditions: z.array(scaleConditionResultSchema),
    /** The public claims that name this system, labelled as claims. */
    claims: z.array(claimSchema),
    /**
     * The server container's CPU request in the scale windows (the steps' 500m would not let 16 replicas per worker
     * fit; memory request and limit unchanged): src/platform/scale-plan.ts. Absent in results written before it.
     */
    serverCpuRequest: z.string().optional(),
    /** Server pods per worker node at each count, as the pods' nodeName said (read, never assumed). */
    placements: z
      .array(z.object({ replicasPerNode: z.number().int().positive(), podsByNode: z.record(z.string(), z.number().int().nonnegative()) }).strict())
      .optional(),
    /**
     * Why nothing was fitted: a window whose server pods restarted or changed, whose load run was invalid, or whose
     * points could not be fitted. Absent (or empty) for a valid section.
     */
    invalidReasons: z.array(z.string()).optional(),
  })
  .strict();
export type SystemScale = z.infer<typeof systemScaleSchema>;
