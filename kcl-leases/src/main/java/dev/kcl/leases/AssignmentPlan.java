package dev.kcl.leases;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the leader should write this round.
 *
 * @param assignments leases without a live owner, to give directly to a worker (expired first, unbounded)
 * @param handoffs live leases to move by graceful handoff (bounded per round)
 */
public record AssignmentPlan(List<Move> assignments, List<Move> handoffs) {
    public AssignmentPlan {
        assignments = List.copyOf(assignments);
        handoffs = List.copyOf(handoffs);
    }

    public static AssignmentPlan empty() {
        return new AssignmentPlan(List.of(), List.of());
    }

    public boolean isEmpty() {
        return assignments.isEmpty() && handoffs.isEmpty();
    }

    /**
     * One lease to one worker.
     *
     * @param lease the lease as the leader last read it (the expected snapshot of the write)
     * @param from its current owner, empty if unowned
     * @param to the worker that should own it
     */
    public record Move(Lease lease, Optional<String> from, String to) {
        public Move {
            Objects.requireNonNull(lease, "lease");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        public String leaseKey() {
            return lease.leaseKey();
        }
    }
}
