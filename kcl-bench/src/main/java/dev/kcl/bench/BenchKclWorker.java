package dev.kcl.bench;

import dev.kcl.testkit.AwsClients;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.FastStartScheduler;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.exceptions.KinesisClientLibException;
import software.amazon.kinesis.leases.LeaseManagementConfig;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.SingleStreamTracker;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * AWS's KCL 3.5.1 in its own JVM, measured like {@link BenchWorker}, for side-by-side figures on the same stream: the
 * same processor work (decode each record, checkpoint after each batch), KCL's defaults for reading (polling, 1.5 s
 * idle between reads), its metrics turned off as kcl's are not published here, and only its start-up waits shortened
 * (they are not what is being measured).
 *
 * <p>Arguments: kinesis endpoint (plain HTTP), DynamoDB endpoint, stream, application, worker id.
 */
public final class BenchKclWorker {
    private BenchKclWorker() {}

    public static void main(String[] args) throws Exception {
        var kinesis = AwsClients.kinesisHttp1(URI.create(args[0]));
        var dynamo = AwsClients.dynamoDb(URI.create(args[1]));
        var cloudWatch = AwsClients.cloudWatch(URI.create(args[1])); // never called: metrics are off
        ConfigsBuilder configs = new ConfigsBuilder(
                new SingleStreamTracker(
                        args[2],
                        InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON)),
                args[3],
                kinesis,
                dynamo,
                cloudWatch,
                args[4],
                CountingProcessor::new);
        LeaseManagementConfig leases = configs.leaseManagementConfig().shardSyncIntervalMillis(1_000);
        Scheduler scheduler = new FastStartScheduler(
                configs.checkpointConfig(),
                configs.coordinatorConfig(),
                leases,
                configs.lifecycleConfig(),
                configs.metricsConfig().metricsFactory(new NullMetricsFactory()),
                configs.processorConfig(),
                configs.retrievalConfig());
        Thread thread = new Thread(scheduler, "aws-kcl");
        Gauges.started();
        thread.start();
        Gauges.status();
        Gauges.reportEverySecond();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null) {
            if (command.trim().equals("stop")) {
                scheduler.startGracefulShutdown().get(30, TimeUnit.SECONDS);
                System.out.println("STOPPED");
                System.out.flush();
                System.exit(0);
            }
            Gauges.status();
        }
        scheduler.shutdown();
    }

    /** Decodes each record as kcl's bench worker does, and checkpoints after each batch. */
    private static final class CountingProcessor implements ShardRecordProcessor {
        @Override
        public void initialize(InitializationInput input) {}

        @Override
        public void processRecords(ProcessRecordsInput input) {
            List<String> data = new ArrayList<>(input.records().size());
            for (KinesisClientRecord record : input.records()) {
                data.add(StandardCharsets.UTF_8.decode(record.data()).toString());
            }
            Gauges.delivered(data);
            try {
                input.checkpointer().checkpoint();
            } catch (KinesisClientLibException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void leaseLost(LeaseLostInput input) {}

        @Override
        public void shardEnded(ShardEndedInput input) {
            try {
                input.checkpointer().checkpoint();
            } catch (KinesisClientLibException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void shutdownRequested(ShutdownRequestedInput input) {}
    }
}
