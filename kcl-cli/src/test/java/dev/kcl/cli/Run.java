package dev.kcl.cli;

import dev.kcl.testkit.AwsStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** What one run of the command printed, and its exit status. */
record Run(int status, String out, String err) {
    JsonNode json() {
        return JsonNode.parser().parse(out);
    }

    /** Runs the command in this JVM against the local stack's clients. */
    static Run kcl(AwsStack stack, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Clients clients = new Clients() {
            @Override
            public KinesisAsyncClient kinesis() {
                return stack.kinesisHttp1();
            }

            @Override
            public DynamoDbAsyncClient dynamoDb() {
                return stack.dynamoDb();
            }

            @Override
            public String where() {
                return "the local stack";
            }

            @Override
            public void close() {}
        };
        int status = new Kcl(
                        a -> clients,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        Clock.systemUTC())
                .run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
