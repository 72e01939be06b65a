import { meshScaleRoles, type Claim, type IntervalEstimate, type ScaleConditionResult, type ScaleRole } from '../core/scale-schema.js';
import { asInterval, projectMemory, sumProjections } from './project-memory.js';

/**
 * What the model says about the quantity a claim is about, from one condition's stored fits: the mesh's total at the
 * claim's nodes × pods (recomputed, so a claim about another cluster size than the run's projection still compares
 * like with like), or the per-pod or per-node term of the claim's role. Null when the system has no such role or the
 * claim does not say what it needs.
 */
export function measuredForClaim(condition: ScaleConditionResult, claim: Claim): IntervalEstimate | null {
  if (claim.kind === 'mesh-total') {
    if (claim.nodes === undefined || claim.pods === undefined) return null;
    const { nodes, pods } = claim;
    const parts = condition.roles
      .filter((r) => (meshScaleRoles as readonly ScaleRole[]).includes(r.role))
      .map((r) => projectMemory(r.fit, r.scope, nodes, pods));
    const sum = sumProjections(parts);
    return sum ? asInterval(sum) : null;
  }
  const role = condition.roles.find((r) => r.role === claim.role);
  // A cluster-scoped role's intercept is paid once per cluster: it is no per-node cost.
  if (!role || (claim.kind === 'per-node' && role.scope !== 'node')) return null;
  const { estimate, low, high } = claim.kind === 'per-pod' ? role.fit.perPod : role.fit.fixed;
  return { estimate, low, high };
}
