package dev.kcl.cli;

import dev.kcl.KclException;
import dev.kcl.aws.AwsErrors;
import dev.kcl.leases.LeaseTableException;
import dev.kcl.time.WallClock;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The {@code kcl} command: look at an application's shards and workers, move its checkpoints, hand a worker's leases
 * off. Prints a table, or JSON with {@code --json}; exits 0 on success, 1 on a failure (missing table or stream,
 * denied permission), 2 on a usage error, 3 when it refused to act (workers running, a lease that kept moving).
 */
public final class Kcl {
    private static final Set<String> CONNECTION = Set.of("region", "kinesis-endpoint", "dynamodb-endpoint");

    static final String USAGE = """
            usage: kcl <command> [options]

            commands:
              describe --app A --stream S [--no-lag]
                  per shard: state, owner, checkpoint, lag behind the tip, parents and children;
                  the workers with their heartbeat age; the leader
              workers --app A
                  the workers, their state and heartbeat age, their lease counts, the leader
              reset --app A --stream S --to POSITION [--shard ID] [--dry-run] [--force]
                  moves checkpoints, where POSITION is trim-horizon, latest, timestamp=ISO-8601
                  (e.g. timestamp=2026-11-21T09:30:00Z) or sequence=N (with --shard; delivery resumes
                  after N). Refuses while workers may be running unless --force; every write is fenced
              release --app A --worker W [--force]
                  hands W's leases off: gracefully to the other live workers if W is running,
                  at once if it is not

            options for every command:
              --region R               the AWS region (default: the SDK's region chain)
              --kinesis-endpoint URL   a Kinesis endpoint, e.g. a local emulator
              --dynamodb-endpoint URL  a DynamoDB endpoint, e.g. DynamoDB Local
              --json                   JSON for scripts instead of a table
            Credentials come from the AWS SDK's default chain (environment, profile, instance role).
            """;

    private final Function<Args, Clients> clients;
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    Kcl(Function<Args, Clients> clients, PrintStream out, PrintStream err, Clock clock) {
        this.clients = clients;
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    public static void main(String[] args) {
        int status = new Kcl(Clients::from, System.out, System.err, WallClock.systemUtc()).run(args);
        System.out.flush();
        System.exit(status);
    }

    /** Runs one command line and returns the exit status. */
    int run(String... argv) {
        if (argv.length == 0) {
            err.print(USAGE);
            return CliException.USAGE;
        }
        String command = argv[0];
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        if (command.equals("help") || command.equals("--help") || command.equals("-h") || rest.contains("--help")) {
            out.print(USAGE);
            return 0;
        }
        try {
            Args args = switch (command) {
                case "describe" -> parse(command, rest, Set.of("app", "stream"), Set.of("json", "no-lag"));
                case "workers" -> parse(command, rest, Set.of("app"), Set.of("json"));
                case "reset" ->
                    parse(command, rest, Set.of("app", "stream", "to", "shard"), Set.of("json", "dry-run", "force"));
                case "release" -> parse(command, rest, Set.of("app", "worker"), Set.of("json", "force"));
                default ->
                    throw CliException.usage("unknown command '" + command
                            + "'; the commands are describe, workers, reset and release (kcl --help)");
            };
            Clients.check(args);
            try (Clients aws = Clients.lazy(() -> clients.apply(args))) {
                Commands commands = new Commands(aws, clock);
                Commands.Output output = switch (command) {
                    case "describe" -> commands.describe(args);
                    case "workers" -> commands.workers(args);
                    case "reset" -> commands.reset(args);
                    default -> commands.release(args);
                };
                out.print(args.flag("json") ? Json.write(output.json()) : output.text());
                return output.status();
            }
        } catch (CliException e) {
            err.println("kcl " + command + ": " + e.getMessage());
            if (e.status() == CliException.USAGE) {
                err.println("(kcl --help lists the commands and options)");
            }
            return e.status();
        } catch (LeaseTableException | KclException e) {
            err.println("kcl " + command + ": " + e.getMessage());
            return CliException.FAILED;
        } catch (SdkException e) {
            err.println("kcl " + command + ": " + AwsErrors.describe(e));
            return CliException.FAILED;
        }
    }

    private static Args parse(String command, List<String> rest, Set<String> valued, Set<String> flags) {
        Set<String> all = new java.util.HashSet<>(valued);
        all.addAll(CONNECTION);
        return Args.parse(command, rest, all, flags);
    }
}
