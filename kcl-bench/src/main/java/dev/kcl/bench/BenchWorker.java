package dev.kcl.bench;

import dev.kcl.InitialPosition;
import dev.kcl.KinesisRecord;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.RecordProcessor;
import dev.kcl.Retrieval;
import dev.kcl.ShardEndedInput;
import dev.kcl.ShutdownRequestedInput;
import dev.kcl.Worker;
import dev.kcl.fanout.FanOut;
import dev.kcl.testkit.AwsClients;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * One kcl worker in its own JVM, measured from inside: records delivered, time since the worker started and of the
 * last delivery, the process's CPU time, heap and RSS, every DynamoDB call by operation (an SDK
 * {@link ExecutionInterceptor}), and propagation latency for records whose data is {@code t=<epoch millis>}. It prints
 * one {@code STATUS key=value ...} line a second and on demand; it reads commands on stdin: {@code status},
 * {@code gc} (collect, then report), {@code stop} (graceful shutdown, then exit).
 *
 * <p>Arguments: kinesis endpoint (plain HTTP, or TLS for fan-out), DynamoDB endpoint, stream, application, worker
 * id, failover seconds, {@code polling} or {@code fanout}, {@code trim-horizon} or {@code latest}.
 */
public final class BenchWorker {
    private BenchWorker() {}

    public static void main(String[] args) throws Exception {
        URI kinesisEndpoint = URI.create(args[0]);
        URI dynamoEndpoint = URI.create(args[1]);
        boolean fanOut = args[6].equals("fanout");
        KinesisAsyncClient kinesis =
                fanOut ? AwsClients.kinesisHttp2(kinesisEndpoint) : AwsClients.kinesisHttp1(kinesisEndpoint);
        DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder()
                .endpointOverride(dynamoEndpoint)
                .region(AwsClients.REGION)
                .credentialsProvider(AwsClients.credentials())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        Gauges.dynamoCall(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
                    }
                }))
                .build();
        Worker worker = Worker.builder()
                .kinesis(kinesis)
                .dynamoDb(dynamo)
                .streamName(args[2])
                .applicationName(args[3])
                .workerId(args[4])
                .failoverTime(Duration.ofSeconds(Integer.parseInt(args[5])))
                .retrieval(fanOut ? FanOut.retrieval("bench-" + args[3]) : Retrieval.polling())
                .initialPosition(args[7].equals("latest") ? InitialPosition.latest() : InitialPosition.trimHorizon())
                .processorFactory(shardId -> new RecordProcessor() {
                    @Override
                    public void processRecords(ProcessRecordsInput input) {
                        Gauges.delivered(input.records().stream()
                                .map(KinesisRecord::dataAsString)
                                .toList());
                        input.checkpointer().checkpoint();
                    }

                    @Override
                    public void shardEnded(ShardEndedInput input) {
                        input.checkpointer().checkpoint();
                    }

                    @Override
                    public void shutdownRequested(ShutdownRequestedInput input) {
                        input.checkpointer().checkpoint();
                    }
                })
                .build();
        Gauges.started();
        worker.start();
        Gauges.status();
        Gauges.reportEverySecond();

        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null) {
            switch (command.trim()) {
                case "gc" -> {
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                        Thread.sleep(200);
                    }
                    Gauges.status();
                }
                case "stop" -> {
                    long asked = System.nanoTime();
                    boolean clean = worker.shutdown(Duration.ofSeconds(30));
                    System.out.println("STOPPED clean=" + clean + " ms=" + (System.nanoTime() - asked) / 1_000_000);
                    System.out.flush();
                    System.exit(0);
                }
                default -> Gauges.status();
            }
        }
        worker.shutdown(Duration.ofSeconds(30));
    }
}
