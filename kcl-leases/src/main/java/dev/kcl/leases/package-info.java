/**
 * Leases: which worker reads which shard, kept in one DynamoDB table per application.
 *
 * <p>Liveness is per worker, not per lease: each worker writes one heartbeat item, and a lease is live while its
 * owner's heartbeat keeps changing. One leader computes the assignment with a pure balancer and writes it; workers
 * find their leases through the {@code leaseOwner} index. Every lease write is conditional on owner and counter
 * (fencing), a worker that cannot heartbeat revokes its own leases before anyone may take them, and planned moves
 * are graceful handoffs. The protocol is described in {@code docs/leases.md}.
 */
package dev.kcl.leases;
