package dev.kcl.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed command line: {@code <command> [--option value | --option=value | --flag]...}. Options a command does not
 * know are an error that names them, so a typo never passes silently.
 */
final class Args {
    private final String command;
    private final Map<String, String> values;
    private final Set<String> flags;

    private Args(String command, Map<String, String> values, Set<String> flags) {
        this.command = command;
        this.values = values;
        this.flags = flags;
    }

    /**
     * @param valued the options that take a value, for this command
     * @param flagNames the options that take none
     */
    static Args parse(String command, List<String> rest, Set<String> valued, Set<String> flagNames) {
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw CliException.usage("unexpected argument '" + arg + "' for kcl " + command);
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flagNames.contains(name)) {
                if (value != null) {
                    throw CliException.usage("--" + name + " takes no value");
                }
                flags.add(name);
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= rest.size() || rest.get(i + 1).startsWith("--")) {
                        throw CliException.usage("--" + name + " needs a value");
                    }
                    value = rest.get(++i);
                }
                if (value.isBlank()) {
                    throw CliException.usage("--" + name + " must not be empty");
                }
                if (values.put(name, value) != null) {
                    throw CliException.usage("--" + name + " is given twice");
                }
            } else {
                throw CliException.usage("unknown option --" + name + " for kcl " + command);
            }
        }
        return new Args(command, values, flags);
    }

    String command() {
        return command;
    }

    Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String required(String name) {
        return value(name).orElseThrow(() -> CliException.usage("kcl " + command + " needs --" + name));
    }

    boolean flag(String name) {
        return flags.contains(name);
    }
}
