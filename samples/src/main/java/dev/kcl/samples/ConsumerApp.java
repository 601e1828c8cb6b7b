package dev.kcl.samples;

import dev.kcl.Retrieval;
import dev.kcl.Worker;
import dev.kcl.fanout.FanOut;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;

/**
 * An EC2/ECS/Kubernetes-style consumer. With {@code KCL_STREAM} set it consumes that stream on AWS (region and
 * credentials from the default chain, metrics to CloudWatch) until SIGTERM, then hands its shards over. Without it,
 * it runs {@link LocalDemo} on the embedded local stack.
 *
 * <p>Settings: {@code KCL_STREAM}, {@code KCL_APPLICATION} (default {@code kcl-sample}), {@code KCL_RETRIEVAL}
 * ({@code polling} or {@code fanout}), {@code KCL_CONSUMER_NAME}, {@code KCL_INITIAL_POSITION} ({@code LATEST} or
 * {@code TRIM_HORIZON}), {@code AWS_REGION}; each also as a system property ({@code -Dkcl.stream=...}).
 */
public final class ConsumerApp {
    private ConsumerApp() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(AppConfig.load(false)));
    }

    static int run(AppConfig config) throws Exception {
        if (config.stream().isEmpty()) {
            return LocalDemo.run(config, System.out).ok() ? 0 : 1;
        }
        consumeOnAws(config);
        return 0;
    }

    private static void consumeOnAws(AppConfig config) throws InterruptedException {
        KinesisAsyncClientBuilder kinesisBuilder = KinesisAsyncClient.builder()
                .credentialsProvider(DefaultCredentialsProvider.builder().build());
        if (config.fanOut()) {
            kinesisBuilder.httpClientBuilder(FanOut.httpClientBuilder(200));
        }
        KinesisAsyncClient kinesis = kinesisBuilder.build();
        DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.create();
        CloudWatchAsyncClient cloudWatch = CloudWatchAsyncClient.create();
        Worker worker = Worker.builder()
                .applicationName(config.application())
                .streamName(config.stream().orElseThrow())
                .kinesis(kinesis)
                .dynamoDb(dynamo)
                .cloudWatch(cloudWatch)
                .retrieval(config.fanOut() ? FanOut.retrieval(config.consumerName()) : Retrieval.polling())
                .initialPosition(config.initialPosition())
                .processorFactory(shardId -> new OrderProcessor())
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("SIGTERM: handing shards over...");
                            boolean clean =
                                    worker.shutdown(Duration.ofSeconds(25)); // inside ECS's and Kubernetes' 30 s grace
                            System.out.println(
                                    clean ? "handed every shard over" : "not every shard was handed over in time");
                            kinesis.close();
                            dynamo.close();
                            cloudWatch.close();
                            stopped.countDown();
                        },
                        "kcl-sample-shutdown"));
        worker.start();
        System.out.printf(
                Locale.ROOT,
                "consuming %s as %s (worker %s, %s); stop with SIGTERM or Ctrl-C%n",
                config.stream().get(),
                config.application(),
                worker.workerId(),
                config.fanOut() ? "fan-out" : "polling");
        stopped.await();
    }
}
