/**
 * Real local Kinesis, DynamoDB and CloudWatch endpoints for tests and samples, without Docker.
 *
 * <ul>
 *   <li>{@link dev.kcl.testkit.LocalKinesis}: kinesis-mock from the npm package {@code kinesis-local}, run with
 *       {@code node} on free ports (plain HTTP, and TLS with HTTP/2 for {@code SubscribeToShard}).
 *   <li>{@link dev.kcl.testkit.LocalDynamoDb}: DynamoDB Local in this JVM on a free port.
 *   <li>{@link dev.kcl.testkit.LocalCloudWatch}: a recording {@code PutMetricData} endpoint for the real client.
 *   <li>{@link dev.kcl.testkit.EmbeddedStack}: all three, with ready-made SDK v2 async clients;
 *       {@link dev.kcl.testkit.LocalStackContainerStack} is the optional Docker alternative.
 *   <li>{@link dev.kcl.testkit.KclStack}: a JUnit 5 extension sharing one stack per test run, with unique
 *       {@link dev.kcl.testkit.TestNames} per test.
 *   <li>{@link dev.kcl.testkit.StreamAdmin}: create, fill and reshard streams.
 * </ul>
 *
 * <p>Nothing the kit starts outlives it: processes are stopped on close, by a shutdown hook, and by themselves when
 * the JVM that started them dies.
 */
package dev.kcl.testkit;
