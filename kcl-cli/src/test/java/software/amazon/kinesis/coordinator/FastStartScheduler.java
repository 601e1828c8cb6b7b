package software.amazon.kinesis.coordinator;

import software.amazon.kinesis.checkpoint.CheckpointConfig;
import software.amazon.kinesis.leases.LeaseManagementConfig;
import software.amazon.kinesis.leases.exceptions.DependencyException;
import software.amazon.kinesis.leases.exceptions.InvalidStateException;
import software.amazon.kinesis.leases.exceptions.ProvisionedThroughputException;
import software.amazon.kinesis.lifecycle.LifecycleConfig;
import software.amazon.kinesis.metrics.MetricsConfig;
import software.amazon.kinesis.processor.ProcessorConfig;
import software.amazon.kinesis.retrieval.RetrievalConfig;

/**
 * AWS's KCL {@link Scheduler}, for the migration tests, without its start-up wait: on a new application KCL waits a
 * random 1-30 s for other workers to fill the lease table before syncing shards itself, and no setting turns that
 * off. This test-only subclass (in KCL's package, as the method is package-private) syncs at once when the table is
 * empty, which is what the wait ends in for a lone worker.
 */
public class FastStartScheduler extends Scheduler {
    public FastStartScheduler(
            CheckpointConfig checkpointConfig,
            CoordinatorConfig coordinatorConfig,
            LeaseManagementConfig leaseManagementConfig,
            LifecycleConfig lifecycleConfig,
            MetricsConfig metricsConfig,
            ProcessorConfig processorConfig,
            RetrievalConfig retrievalConfig) {
        super(
                checkpointConfig,
                coordinatorConfig,
                leaseManagementConfig,
                lifecycleConfig,
                metricsConfig,
                processorConfig,
                retrievalConfig);
    }

    @Override
    boolean shouldInitiateLeaseSync()
            throws DependencyException, ProvisionedThroughputException, InvalidStateException {
        return leaseRefresher().isLeaseTableEmpty();
    }
}
