package dev.cairn.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The YAML config file: a map whose keys are flag names without dashes ({@code data-dir: /x},
 * {@code tls-san: [a, b]}). Unlike K3s, an unknown key is an error rather than a warning: a misspelt setting
 * silently ignored is the kind of mistake that only shows once the cluster is broken.
 */
final class ConfigFile {

    private final Path path;
    private final Map<Flag, List<String>> values;

    private ConfigFile(Path path, Map<Flag, List<String>> values) {
        this.path = path;
        this.values = Collections.unmodifiableMap(values);
    }

    /** No file: nothing set. */
    static ConfigFile none(Path path) {
        return new ConfigFile(path, new EnumMap<>(Flag.class));
    }

    /**
     * Reads {@code path}. A missing file is fine unless the user named it ({@code explicit}); anything unreadable,
     * not YAML, or with an unknown key is an error naming the file (and the key).
     */
    static ConfigFile load(Path path, boolean explicit) throws SettingsException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (explicit) {
                throw new SettingsException("config file " + path + " does not exist (--config)");
            }
            return none(path);
        } catch (IOException e) {
            throw new SettingsException("cannot read config file " + path + ": " + e, e);
        }
        return parse(path, text);
    }

    /** Parses the YAML text of the file at {@code path}. */
    static ConfigFile parse(Path path, String text) throws SettingsException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object document;
        try (Reader reader = new java.io.StringReader(text)) {
            document = new Yaml(new SafeConstructor(options)).load(reader);
        } catch (YAMLException | IOException e) {
            throw new SettingsException("config file " + path + " is not valid YAML: "
                    + e.getMessage().replace('\n', ' ').trim(), e);
        }
        if (document == null) {
            return none(path);
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new SettingsException("config file " + path + " must be a YAML map of settings (key: value), not "
                    + kind(document));
        }
        Map<Flag, List<String>> values = new EnumMap<>(Flag.class);
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            Flag flag = Flag.byKey(key).orElseThrow(() -> new SettingsException("config file " + path
                    + ": unknown key \"" + key + "\" (valid keys: " + validKeys() + ")"));
            if (flag == Flag.CONFIG) {
                throw new SettingsException("config file " + path + ": key \"config\" cannot be set inside a "
                        + "config file; use --config or CAIRN_CONFIG");
            }
            List<String> value = scalars(path, flag, entry.getValue());
            if (value != null) {
                values.put(flag, value);
            }
        }
        return new ConfigFile(path, values);
    }

    Path path() {
        return path;
    }

    Map<Flag, List<String>> values() {
        return values;
    }

    private static List<String> scalars(Path path, Flag flag, Object value) throws SettingsException {
        if (value == null) {
            return null; // "key:" with nothing after it: not set
        }
        if (value instanceof List<?> list) {
            if (!flag.isList()) {
                throw new SettingsException("config file " + path + ": key \"" + flag.key()
                        + "\" takes a single value, not a list");
            }
            List<String> items = new ArrayList<>();
            for (Object item : list) {
                if (item instanceof Map || item instanceof List || item == null) {
                    throw new SettingsException("config file " + path + ": key \"" + flag.key()
                            + "\" must be a list of host names or addresses");
                }
                items.add(String.valueOf(item));
            }
            return items;
        }
        if (value instanceof Map) {
            throw new SettingsException("config file " + path + ": key \"" + flag.key()
                    + "\" takes a value, not a map");
        }
        if (flag.isList()) {
            return Arrays.stream(String.valueOf(value).split(",")).map(String::trim).collect(Collectors.toList());
        }
        return List.of(String.valueOf(value));
    }

    private static String validKeys() {
        return Arrays.stream(Flag.values()).filter(f -> f != Flag.CONFIG).map(Flag::key)
                .collect(Collectors.joining(", "));
    }

    private static String kind(Object document) {
        return document instanceof List ? "a list" : "a single value";
    }
}
