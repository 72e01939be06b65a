/** A mesh's second measurement: the same workload in an unenrolled namespace of the same cluster, `<id>/unmeshed`. */
export const UNMESHED_SUFFIX = '/unmeshed';
