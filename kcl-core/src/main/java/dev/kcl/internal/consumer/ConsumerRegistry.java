package dev.kcl.internal.consumer;

import dev.kcl.leases.Lease;
import dev.kcl.leases.LeaseCoordinator;
import dev.kcl.leases.LeaseListener;
import dev.kcl.metrics.MetricNames;
import dev.kcl.metrics.MetricUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker's shard consumers, driven by what the lease coordinator hears: a consumer per lease gained, told when the
 * lease is lost or to be handed off. A new consumer for a shard starts only after the previous one for that shard
 * has finished, so two processors of one shard never run at once on a worker. Thread-safe.
 */
public final class ConsumerRegistry implements LeaseListener {
    private final Map<String, ShardConsumer> consumers = new ConcurrentHashMap<>();
    private volatile ConsumerContext context;

    /** Connects the registry to the consumers' collaborators (the coordinator needs the registry first). */
    public void attach(ConsumerContext context) {
        this.context = context;
    }

    private LeaseCoordinator coordinator() {
        return context.coordinator();
    }

    @Override
    public void leaseGained(Lease lease) {
        context.metrics().worker(MetricNames.LEASES_TAKEN, MetricUnit.COUNT, 1);
        ShardConsumer consumer = new ShardConsumer(lease, context);
        ShardConsumer previous = consumers.put(lease.leaseKey(), consumer);
        consumer.terminated().thenRun(() -> consumers.remove(lease.leaseKey(), consumer));
        if (previous != null && !previous.terminated().isDone()) {
            previous.leaseLost();
            previous.terminated().thenRun(consumer::start);
        } else {
            consumer.start();
        }
    }

    @Override
    public void leaseLost(String leaseKey, String reason) {
        context.metrics().worker(MetricNames.LEASES_LOST, MetricUnit.COUNT, 1);
        ShardConsumer consumer = consumers.get(leaseKey);
        if (consumer != null) {
            consumer.leaseLost();
        }
    }

    @Override
    public void handoffRequested(Lease lease) {
        ShardConsumer consumer = consumers.get(lease.leaseKey());
        if (consumer != null) {
            consumer.shutdownRequested();
        } else {
            coordinator().completeHandoff(lease.leaseKey());
        }
    }

    /** The shards with a consumer right now. */
    public List<String> shardIds() {
        return List.copyOf(consumers.keySet());
    }

    /** Completes when every current consumer has finished. */
    public CompletableFuture<Void> allTerminated() {
        return CompletableFuture.allOf(
                consumers.values().stream().map(ShardConsumer::terminated).toArray(CompletableFuture[]::new));
    }
}
