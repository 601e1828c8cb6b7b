package dev.kcl.samples;

import dev.kcl.KclException;
import dev.kcl.Retrieval;
import dev.kcl.Worker;
import dev.kcl.WorkerState;
import dev.kcl.fanout.FanOut;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;

/**
 * An EC2/ECS/Kubernetes-style consumer. With {@code KCL_STREAM} set it consumes that stream on AWS (credentials from
 * the SDK's default chain, region from {@code KCL_REGION} or that chain, metrics to CloudWatch), prints its progress,
 * and on SIGTERM hands its shards over, says whether it did in time, and exits (status 143, as any process ended by
 * SIGTERM; 1 when the worker fails). Without {@code KCL_STREAM} it runs {@link LocalDemo} on the embedded local stack.
 *
 * <p>Settings ({@link AppConfig}): {@code KCL_STREAM}, {@code KCL_REGION}, {@code KCL_APPLICATION} (default
 * {@code kcl-sample}), {@code KCL_RETRIEVAL} ({@code polling} or {@code fanout}), {@code KCL_CONSUMER_NAME},
 * {@code KCL_INITIAL_POSITION} ({@code LATEST} or {@code TRIM_HORIZON}), {@code KCL_REPORT_SECONDS}, and for the
 * demo {@code KCL_DEMO_SECONDS} and {@code KCL_DEMO_RATE}; each also as a system property ({@code -Dkcl.stream=...},
 * {@code -Dkcl.region=...}; docs/configuration.md lists them all).
 */
public final class ConsumerApp {
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(25); // inside ECS's and Kubernetes' 30 s grace

    private ConsumerApp() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(AppConfig.load(false)));
    }

    static int run(AppConfig config) throws Exception {
        if (config.stream().isEmpty()) {
            return LocalDemo.run(config, System.out).ok() ? 0 : 1;
        }
        try {
            return consumeOnAws(config);
        } catch (KclException e) { // Worker.start(): an unknown stream, a missing permission, a table it cannot create
            System.err.println("kcl sample: " + e.getMessage());
            return 1;
        }
    }

    private static int consumeOnAws(AppConfig config) throws InterruptedException {
        // Credentials, and the region unless KCL_REGION is set, come from the SDK's default chains; so do endpoints
        // (AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_CLOUDWATCH), which is how
        // ConsumerAppOnAwsIT points this app at a local stack. Polling keeps the SDK's default HTTP client for
        // Kinesis: HTTP/2, over TLS on AWS, and with prior knowledge on a plain-HTTP endpoint.
        KinesisAsyncClientBuilder kinesisBuilder = KinesisAsyncClient.builder();
        DynamoDbAsyncClientBuilder dynamoBuilder = DynamoDbAsyncClient.builder();
        CloudWatchAsyncClientBuilder cloudWatchBuilder = CloudWatchAsyncClient.builder();
        config.region().map(Region::of).ifPresent(region -> {
            kinesisBuilder.region(region);
            dynamoBuilder.region(region);
            cloudWatchBuilder.region(region);
        });
        if (config.fanOut()) {
            kinesisBuilder.httpClientBuilder(FanOut.httpClientBuilder(200));
        }
        KinesisAsyncClient kinesis = kinesisBuilder.build();
        DynamoDbAsyncClient dynamo = dynamoBuilder.build();
        CloudWatchAsyncClient cloudWatch = cloudWatchBuilder.build();
        OrderProgress progress = new OrderProgress();

        // README snippet: start
        Worker worker = Worker.builder()
                .applicationName(config.application()) // also the lease table's name
                .streamName(config.stream().orElseThrow())
                .kinesis(kinesis)
                .dynamoDb(dynamo)
                .cloudWatch(cloudWatch) // optional: metrics
                .processorFactory(shardId -> progress.track(new OrderProcessor()))
                .initialPosition(config.initialPosition()) // default latest()
                .retrieval(config.fanOut() ? FanOut.retrieval(config.consumerName()) : Retrieval.polling())
                .build();
        worker.start(); // fails at once on an unknown stream or a missing permission
        // README snippet: end

        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "kcl-sample-progress");
            thread.setDaemon(true);
            return thread;
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("stopping: handing shards over...");
                            boolean clean = worker.shutdown(SHUTDOWN_TIMEOUT);
                            reporter.shutdownNow();
                            kinesis.close();
                            dynamo.close();
                            cloudWatch.close();
                            System.out.println(progress.summary());
                            System.out.println(
                                    clean ? "handed every shard over" : "not every shard was handed over in time");
                            System.out.flush();
                            stopped.countDown();
                        },
                        "kcl-sample-shutdown"));
        reporter.scheduleWithFixedDelay(
                () -> {
                    progress.report(worker.shardIds()).ifPresent(System.out::println);
                    if (worker.state() == WorkerState.FAILED) {
                        System.err.println("kcl sample: the worker failed: "
                                + worker.failure().map(Throwable::getMessage).orElse("unknown cause"));
                        System.exit(1); // runs the shutdown hook, which hands over what it can
                    }
                },
                config.reportSeconds(),
                config.reportSeconds(),
                TimeUnit.SECONDS);
        System.out.printf(
                Locale.ROOT,
                "consuming %s as %s (worker %s, %s); stop with SIGTERM or Ctrl-C%n",
                config.stream().get(),
                config.application(),
                worker.workerId(),
                config.fanOut() ? "fan-out" : "polling");
        stopped.await(); // the worker's threads do the work; the shutdown hook ends the process
        return 0;
    }
}
