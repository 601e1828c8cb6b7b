package dev.kcl.leases;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One shard's lease as stored in the lease table: an immutable snapshot. Changes return new records; the table's
 * conditional writes decide which snapshot wins.
 *
 * <p>Fencing uses {@link #owner()} and {@link #counter()}: every write is conditional on both, and any change of
 * ownership increments the counter, so a writer holding an older snapshot loses.
 *
 * @param leaseKey the shard id
 * @param owner the worker that holds the lease, empty when unowned
 * @param counter increments on every change of ownership
 * @param checkpoint where processing resumes, in KCL's stored encoding
 * @param pendingCheckpoint a prepared checkpoint not yet committed
 * @param ownerSwitchesSinceCheckpoint ownership changes since the checkpoint last moved (KCL's counter)
 * @param parentShardIds the shards this one was split or merged from
 * @param childShardIds the shards this one was split or merged into, known once it ended
 * @param hashKeyRange the shard's hash key range, if known
 * @param handoffTo the worker this lease is being handed to; while set, the owner finishes and releases it
 * @param throughputKBps the throughput the owner last recorded for the shard, in KB/s
 */
public record Lease(
        String leaseKey,
        Optional<String> owner,
        long counter,
        Optional<StoredCheckpoint> checkpoint,
        Optional<StoredCheckpoint> pendingCheckpoint,
        long ownerSwitchesSinceCheckpoint,
        Set<String> parentShardIds,
        Set<String> childShardIds,
        Optional<HashKeyRange> hashKeyRange,
        Optional<String> handoffTo,
        Optional<Double> throughputKBps) {

    public Lease {
        Objects.requireNonNull(leaseKey, "leaseKey");
        if (leaseKey.isBlank()) {
            throw new IllegalArgumentException("leaseKey must not be blank");
        }
        Objects.requireNonNull(owner, "owner");
        if (counter < 0) {
            throw new IllegalArgumentException("counter must not be negative: " + counter);
        }
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(pendingCheckpoint, "pendingCheckpoint");
        parentShardIds = Set.copyOf(parentShardIds);
        childShardIds = Set.copyOf(childShardIds);
        Objects.requireNonNull(hashKeyRange, "hashKeyRange");
        Objects.requireNonNull(handoffTo, "handoffTo");
        Objects.requireNonNull(throughputKBps, "throughputKBps");
        if (handoffTo.isPresent() && owner.isEmpty()) {
            throw new IllegalArgumentException(leaseKey + ": a handoff needs an owner to hand off from");
        }
    }

    /** A new, unowned lease for a shard starting at {@code checkpoint}. */
    public static Lease create(String leaseKey, StoredCheckpoint checkpoint, Set<String> parentShardIds) {
        return builder(leaseKey)
                .checkpoint(checkpoint)
                .parentShardIds(parentShardIds)
                .build();
    }

    public static Builder builder(String leaseKey) {
        return new Builder(leaseKey);
    }

    /** A builder holding this lease's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** True when {@code worker} owns this lease. */
    public boolean isOwnedBy(String worker) {
        return owner.isPresent() && owner.get().equals(worker);
    }

    /** True when {@code other} is the same lease with the same owner and counter: what fenced writes compare. */
    public boolean hasSameOwnershipAs(Lease other) {
        return leaseKey.equals(other.leaseKey) && owner.equals(other.owner) && counter == other.counter;
    }

    /** True when the shard has been processed to its end: the lease needs no owner any more. */
    public boolean isFinished() {
        return checkpoint.map(StoredCheckpoint::isShardEnd).orElse(false);
    }

    /** This lease taken by {@code newOwner}: the counter moves on and any handoff is over. */
    public Lease assignedTo(String newOwner) {
        Objects.requireNonNull(newOwner, "newOwner");
        return toBuilder()
                .owner(Optional.of(newOwner))
                .counter(counter + 1)
                .handoffTo(Optional.empty())
                .ownerSwitchesSinceCheckpoint(
                        isOwnedBy(newOwner) ? ownerSwitchesSinceCheckpoint : ownerSwitchesSinceCheckpoint + 1)
                .build();
    }

    /** This lease let go by its owner: unowned, with the counter moved on. */
    public Lease released() {
        return toBuilder()
                .owner(Optional.empty())
                .counter(counter + 1)
                .handoffTo(Optional.empty())
                .build();
    }

    /** This lease marked for handoff to {@code target}; owner and counter unchanged, so the owner can still checkpoint. */
    public Lease markedForHandoffTo(String target) {
        return toBuilder().handoffTo(Optional.of(target)).build();
    }

    @Override
    public String toString() {
        return "Lease[" + leaseKey + " owner=" + owner.orElse("-") + " counter=" + counter
                + checkpoint.map(c -> " checkpoint=" + c).orElse("")
                + handoffTo.map(h -> " handoffTo=" + h).orElse("") + "]";
    }

    /** Builds a {@link Lease}; every field but the key has an empty default. */
    public static final class Builder {
        private final String leaseKey;
        private Optional<String> owner = Optional.empty();
        private long counter;
        private Optional<StoredCheckpoint> checkpoint = Optional.empty();
        private Optional<StoredCheckpoint> pendingCheckpoint = Optional.empty();
        private long ownerSwitchesSinceCheckpoint;
        private Set<String> parentShardIds = Set.of();
        private Set<String> childShardIds = Set.of();
        private Optional<HashKeyRange> hashKeyRange = Optional.empty();
        private Optional<String> handoffTo = Optional.empty();
        private Optional<Double> throughputKBps = Optional.empty();

        private Builder(String leaseKey) {
            this.leaseKey = leaseKey;
        }

        private Builder(Lease lease) {
            this.leaseKey = lease.leaseKey;
            this.owner = lease.owner;
            this.counter = lease.counter;
            this.checkpoint = lease.checkpoint;
            this.pendingCheckpoint = lease.pendingCheckpoint;
            this.ownerSwitchesSinceCheckpoint = lease.ownerSwitchesSinceCheckpoint;
            this.parentShardIds = lease.parentShardIds;
            this.childShardIds = lease.childShardIds;
            this.hashKeyRange = lease.hashKeyRange;
            this.handoffTo = lease.handoffTo;
            this.throughputKBps = lease.throughputKBps;
        }

        public Builder owner(Optional<String> owner) {
            this.owner = owner;
            return this;
        }

        public Builder owner(String owner) {
            return owner(Optional.of(owner));
        }

        public Builder counter(long counter) {
            this.counter = counter;
            return this;
        }

        public Builder checkpoint(Optional<StoredCheckpoint> checkpoint) {
            this.checkpoint = checkpoint;
            return this;
        }

        public Builder checkpoint(StoredCheckpoint checkpoint) {
            return checkpoint(Optional.of(checkpoint));
        }

        public Builder pendingCheckpoint(Optional<StoredCheckpoint> pendingCheckpoint) {
            this.pendingCheckpoint = pendingCheckpoint;
            return this;
        }

        public Builder ownerSwitchesSinceCheckpoint(long switches) {
            this.ownerSwitchesSinceCheckpoint = switches;
            return this;
        }

        public Builder parentShardIds(Set<String> parentShardIds) {
            this.parentShardIds = parentShardIds;
            return this;
        }

        public Builder childShardIds(Set<String> childShardIds) {
            this.childShardIds = childShardIds;
            return this;
        }

        public Builder hashKeyRange(Optional<HashKeyRange> hashKeyRange) {
            this.hashKeyRange = hashKeyRange;
            return this;
        }

        public Builder handoffTo(Optional<String> handoffTo) {
            this.handoffTo = handoffTo;
            return this;
        }

        public Builder throughputKBps(Optional<Double> throughputKBps) {
            this.throughputKBps = throughputKBps;
            return this;
        }

        public Lease build() {
            return new Lease(
                    leaseKey,
                    owner,
                    counter,
                    checkpoint,
                    pendingCheckpoint,
                    ownerSwitchesSinceCheckpoint,
                    parentShardIds,
                    childShardIds,
                    hashKeyRange,
                    handoffTo,
                    throughputKBps);
        }
    }
}
