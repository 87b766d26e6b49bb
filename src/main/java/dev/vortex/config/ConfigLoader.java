package dev.vortex.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds a {@link VortexConfig} from the YAML file, then {@code VORTEX_*} environment variables,
 * then {@code --key=value} flags (later wins). Every source is flattened to dotted keys
 * ({@code sync.backoff.initial}, {@code repos.0.urls}) so one schema validates all three, and every
 * problem is collected before failing.
 */
public final class ConfigLoader {
    /** Every scalar key with its default, in the order of the reference documentation. */
    static final Map<String, String> DEFAULTS = defaults();
    static final List<String> REPO_KEYS = Stream.concat(
            Stream.of("name", "urls", "apps", "default-label", "labels", "search-paths", "credentials-file"),
            RemoteAccessBinder.REPO_KEYS.stream()).toList();
    private static final Set<String> LIST_KEYS = Set.of("urls", "apps", "labels", "search-paths");
    private static final Pattern REPO_KEY = Pattern.compile("repos\\.(\\d{1,3})\\.([a-z.-]+)");
    private static final Pattern ENV_REPO_KEY = Pattern.compile("VORTEX_REPOS_(\\d{1,3})_([A-Z_]+)");

    private final Map<String, Object> raw = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> repoFlags = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, String> overrides = new LinkedHashMap<>();
    /** Key → where its value came from: the file key, the variable name or the flag. */
    private final Map<String, String> origins = new LinkedHashMap<>();
    private Optional<Path> file = Optional.empty();
    private final RemoteAccessBinder access = new RemoteAccessBinder(problems::add);
    private Map<String, String> env = Map.of();

    private ConfigLoader() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("http.bind", "127.0.0.1");
        d.put("http.port", "8888");
        d.put("ws.bind", "127.0.0.1");
        d.put("ws.port", "8889");
        d.put("ws.max-sessions", "20000");
        d.put("ws.ping", "30s");
        d.put("ws.pong-timeout", "10s");
        d.put("ws.queue-messages", "256");
        d.put("ws.queue-bytes", "4MiB");
        d.put("ws.max-message", "64KiB");
        d.put("ws.max-rate", "100");
        d.put("ws.max-subscriptions", "1000");
        d.put("ws.compression", "true");
        d.put("data-dir", "./data");
        d.put("sync.interval", "30s");
        d.put("sync.debounce", "500ms");
        d.put("sync.jitter", "10%");
        d.put("sync.fetch-timeout", "60s");
        d.put("sync.backoff.initial", "20s");
        d.put("sync.backoff.max", "2m");
        d.put("sync.full-reload", "6h");
        d.put("sync.max-concurrent", "16");
        d.put("throttle.per-domain-concurrency", "5");
        d.put("throttle.per-domain-per-minute", "30");
        d.put("auth.tokens-file", "");
        d.put("auth.webhook-secret-file", "");
        d.put("auth.principals-file", "");
        d.put("auth.open-paths", "");
        d.put("auth.max-failures", "10");
        d.put("encrypt.key", "");
        d.put("encrypt.key-file", "");
        d.put("encrypt.salt", "deadbeef");
        d.put("tls.cert-file", "");
        d.put("tls.key-file", "");
        d.put("render.cache-size", "64MiB");
        d.put("log.level", "info");
        d.put("proxy.url", "");
        d.put("proxy.credentials-file", "");
        d.put("proxy.no-proxy", "");
        return d;
    }

    /**
     * Loads the configuration.
     *
     * @param args command-line arguments ({@code --config=FILE}, {@code --repo=URL[,MIRROR…]}, {@code --key=value})
     * @param env  the environment ({@code VORTEX_CONFIG}, {@code VORTEX_*})
     * @throws ConfigException listing every problem found
     */
    public static VortexConfig load(List<String> args, Map<String, String> env) throws ConfigException {
        return loadWithSources(args, env).config();
    }

    /** {@link #load} with the warnings (to log at start) and where every value came from. */
    public static Loaded loadWithSources(List<String> args, Map<String, String> env) throws ConfigException {
        ConfigLoader loader = new ConfigLoader();
        VortexConfig config = loader.run(args, env);
        return new Loaded(config, loader.warnings, loader.raw, loader.origins, loader.repoFlags, loader.file);
    }

    /**
     * A loaded configuration with its provenance.
     *
     * @param warnings  unknown {@code VORTEX_*} variables that were ignored, to be logged
     * @param values    dotted key → value as given (a String or a list), for keys not left at their default
     * @param origins   dotted key → the file key, variable name or {@code --flag} that set it
     * @param repoFlags the {@code --repo} values
     * @param file      the configuration file, if one was named
     */
    public record Loaded(VortexConfig config, List<String> warnings, Map<String, Object> values, Map<String, String> origins,
                         List<String> repoFlags, Optional<Path> file) {
        public Loaded {
            warnings = List.copyOf(warnings);
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
            origins = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(origins));
            repoFlags = List.copyOf(repoFlags);
        }
    }

    /** Every scalar key in reference order. */
    public static List<String> keys() {
        return List.copyOf(DEFAULTS.keySet());
    }

    public static String defaultOf(String key) {
        return DEFAULTS.get(key);
    }

    /** The environment variable name of a key: {@code sync.backoff.initial} → {@code VORTEX_SYNC_BACKOFF_INITIAL}. */
    public static String envName(String key) {
        return "VORTEX_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private VortexConfig run(List<String> args, Map<String, String> env) throws ConfigException {
        this.env = env;
        Map<String, String> flags = new LinkedHashMap<>();
        Map<String, String> flagOverrides = new LinkedHashMap<>();
        String configFile = env.getOrDefault("VORTEX_CONFIG", "");
        for (String arg : args) {
            if (!arg.startsWith("--") || arg.indexOf('=') < 3) {
                problems.add("argument \"" + Names.printable(arg) + "\" is not of the form --key=value");
                continue;
            }
            String key = arg.substring(2, arg.indexOf('='));
            String value = arg.substring(arg.indexOf('=') + 1);
            switch (key) {
                case "config" -> configFile = value;
                case "repo" -> repoFlags.add(value);
                default -> {
                    if (key.startsWith("overrides.") && key.length() > "overrides.".length()) {
                        flagOverrides.put(key.substring("overrides.".length()), Overrides.unescape(value));
                    } else {
                        flags.put(key, value);
                    }
                }
            }
        }
        if (!configFile.isBlank()) {
            file = Optional.of(Path.of(configFile));
            readFile(Path.of(configFile));
        }
        readEnv(env);
        flags.forEach((k, v) -> put(k, v, "--" + k));
        overrides.putAll(flagOverrides);
        VortexConfig config = bind();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private void readFile(Path file) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            problems.add("config file " + file + ": not found");
            return;
        } catch (AccessDeniedException e) {
            problems.add("config file " + file + ": permission denied");
            return;
        } catch (IOException e) {
            problems.add("config file " + file + ": " + firstLine(e.getMessage()));
            return;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            problems.add("config file " + file + ": the top level must be a mapping of keys");
            return;
        }
        flatten("", root);
    }

    private void flatten(String prefix, JsonNode node) {
        if (prefix.equals("repos.") || prefix.equals("repos")) {
            flattenRepos(node);
            return;
        }
        if (prefix.equals(Overrides.SOURCE_NAME)) {
            overrides.putAll(Overrides.fromYaml(node, problems));
            return;
        }
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue()));
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isValueNode()) {
                    problems.add(prefix + ": list items must be plain values");
                    return;
                }
                items.add(item.asText());
            }
            put(prefix, items, prefix);
        } else {
            put(prefix, node.isNull() ? "" : node.asText(), prefix);
        }
    }

    private void flattenRepos(JsonNode node) {
        if (node.isNull()) {
            return;
        }
        if (!node.isArray()) {
            problems.add("repos: must be a list of repositories");
            return;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode repo = node.get(i);
            if (!repo.isObject()) {
                problems.add("repos." + i + ": must be a mapping with name, urls, …");
                continue;
            }
            for (var e : repoEntries(repo)) {
                String key = "repos." + i + "." + e.getKey();
                JsonNode v = e.getValue();
                if (v.isArray()) {
                    List<String> items = new ArrayList<>();
                    v.forEach(item -> items.add(item.asText()));
                    put(key, items, key);
                } else if (v.isValueNode()) {
                    put(key, v.isNull() ? "" : v.asText(), key);
                } else {
                    problems.add(key + ": must be a value or a list");
                }
            }
        }
    }

    /** A repository's keys, one nested mapping ({@code ssh: {private-key-file: …}}) flattened to dotted keys. */
    private static List<Map.Entry<String, JsonNode>> repoEntries(JsonNode repo) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        for (var e : repo.properties()) {
            if (e.getValue().isObject()) {
                e.getValue().properties().forEach(n -> entries.add(Map.entry(e.getKey() + "." + n.getKey(), n.getValue())));
            } else {
                entries.add(e);
            }
        }
        return entries;
    }

    private void readEnv(Map<String, String> env) {
        Map<String, String> byEnv = new LinkedHashMap<>();
        DEFAULTS.keySet().forEach(k -> byEnv.put(envName(k), k));
        new TreeSet<>(env.keySet()).forEach(name -> {
            if (!name.startsWith("VORTEX_") || name.equals("VORTEX_CONFIG")) {
                return;
            }
            String value = env.get(name);
            Matcher m = ENV_REPO_KEY.matcher(name);
            if (byEnv.containsKey(name)) {
                put(byEnv.get(name), value, name);
            } else if (m.matches()) {
                String sub = m.group(2).toLowerCase(Locale.ROOT).replace('_', '-');
                sub = REPO_KEYS.stream().filter(k -> k.replace('.', '-').equals(m.group(2).toLowerCase(Locale.ROOT).replace('_', '-')))
                        .findFirst().orElse(sub);
                put("repos." + Integer.parseInt(m.group(1)) + "." + sub, value, name);
            } else {
                switch (EnvVars.unknown(name, value, byEnv.keySet())) {
                    case EnvVars.Ignored i -> { }
                    case EnvVars.Warning w -> warnings.add(w.message());
                    case EnvVars.Error err -> problems.add(err.message());
                }
            }
        });
    }

    /** Records one value; checks the key is known. {@code source} names where it came from, for messages. */
    private void put(String key, Object value, String source) {
        Matcher m = REPO_KEY.matcher(key);
        if (m.matches()) {
            if (!REPO_KEYS.contains(m.group(2))) {
                problems.add(source + ": unknown repository key \"" + m.group(2) + "\"" + suggestion(m.group(2), REPO_KEYS));
                return;
            }
        } else if (!DEFAULTS.containsKey(key)) {
            String shown = source.startsWith("--") ? "flag " + source : source.startsWith("VORTEX_") ? source : "key " + key;
            problems.add(shown + " is not a known setting" + suggestion(key, DEFAULTS.keySet()));
            return;
        }
        raw.put(key, value);
        origins.put(key, source);
    }

    private VortexConfig bind() {
        var http = new VortexConfig.Http(get("http.bind", Values::host), get("http.port", Values::port));
        var ws = new VortexConfig.Ws(get("ws.bind", Values::host), get("ws.port", Values::port),
                get("ws.max-sessions", Values::positiveInt), get("ws.ping", ConfigLoader::positiveDuration),
                get("ws.pong-timeout", ConfigLoader::positiveDuration), get("ws.queue-messages", Values::positiveInt),
                get("ws.queue-bytes", Values::size), get("ws.max-message", Values::size),
                get("ws.max-rate", Values::positiveInt), get("ws.max-subscriptions", Values::positiveInt),
                get("ws.compression", Values::bool));
        var sync = new VortexConfig.Sync(get("sync.interval", ConfigLoader::positiveDuration),
                get("sync.debounce", Values::duration), get("sync.jitter", Values::percent),
                get("sync.fetch-timeout", ConfigLoader::positiveDuration),
                get("sync.backoff.initial", ConfigLoader::positiveDuration),
                get("sync.backoff.max", ConfigLoader::positiveDuration),
                get("sync.full-reload", Values::duration), get("sync.max-concurrent", Values::positiveInt));
        var throttle = new VortexConfig.Throttle(get("throttle.per-domain-concurrency", Values::positiveInt),
                get("throttle.per-domain-per-minute", Values::positiveInt));
        var auth = new VortexConfig.Auth(get("auth.tokens-file", ConfigLoader::readableFile),
                get("auth.webhook-secret-file", ConfigLoader::readableFile),
                get("auth.principals-file", ConfigLoader::readableFile), openPaths(),
                get("auth.max-failures", Values::positiveInt));
        var render = new VortexConfig.Render(get("render.cache-size", Values::size));
        var encrypt = encrypt();
        // that both are set together is checked where the pair is read (Tls), with its contents
        var tls = new VortexConfig.Tls(get("tls.cert-file", ConfigLoader::readableFile), get("tls.key-file", ConfigLoader::readableFile));
        String dataDir = get("data-dir", s -> s);
        if (dataDir.isBlank()) {
            problems.add("data-dir: must not be empty");
        }
        String level = get("log.level", Values::logLevel);
        if (sync.backoffInitial().compareTo(sync.backoffMax()) > 0) {
            problems.add("sync.backoff.initial: " + sync.backoffInitial() + " is larger than sync.backoff.max " + sync.backoffMax());
        }
        if (http.port() != 0 && http.port() == ws.port()) {
            problems.add("ws.port: " + ws.port() + " is also http.port (they must differ)");
        }
        var proxySettings = new VortexConfig.ProxySettings(get("proxy.url", String::trim),
                get("proxy.credentials-file", ConfigLoader::readableFile), splitList(get("proxy.no-proxy", s -> s)));
        List<RepoConfig> repos = bindRepos(access.proxy(proxySettings, env));
        if (!problems.isEmpty()) {
            return null;
        }
        return new VortexConfig(http, ws, Path.of(dataDir), sync, throttle, auth, render, encrypt, tls, level, repos, false, overrides,
                proxySettings);
    }

    private List<RepoConfig> bindRepos(Optional<RemoteAccess.Proxy> proxy) {
        Set<Integer> indexes = new TreeSet<>();
        raw.keySet().forEach(k -> {
            Matcher m = REPO_KEY.matcher(k);
            if (m.matches()) {
                indexes.add(Integer.parseInt(m.group(1)));
            }
        });
        List<RepoConfig> repos = new ArrayList<>();
        for (int i : indexes) {
            bindRepo("repos." + i, i, proxy).ifPresent(repos::add);
        }
        for (String flag : repoFlags) {
            List<String> urls = splitList(flag);
            if (urls.isEmpty()) {
                problems.add("--repo: needs at least one URL");
                continue;
            }
            String where = "--repo=" + Urls.redact(urls.get(0));
            checkUrls(where, urls);
            repos.add(new RepoConfig(Urls.repoNameOf(urls.get(0)), urls, List.of("*"), Optional.empty(), List.of(), List.of(),
                    Optional.empty(), new RemoteAccess(RemoteAccess.Ssh.NONE, RemoteAccess.Tls.NONE, proxy)));
        }
        Set<String> seen = new TreeSet<>();
        for (RepoConfig r : repos) {
            if (!seen.add(r.name())) {
                problems.add("repository name \"" + r.name() + "\" is used twice (names must be unique)");
            }
        }
        return repos;
    }

    private Optional<RepoConfig> bindRepo(String where, int i, Optional<RemoteAccess.Proxy> proxy) {
        String p = "repos." + i + ".";
        String name = scalar(p + "name", where + ".name").orElse("");
        if (name.isEmpty()) {
            problems.add(where + ".name: missing (every repository needs a name, [a-z0-9-]+)");
        } else {
            Names.checkRepoName(name).ifPresent(msg -> problems.add(where + ".name: " + msg));
        }
        List<String> urls = list(p + "urls");
        if (urls.isEmpty()) {
            problems.add(where + ".urls: missing (at least one git URL)");
        }
        checkUrls(where + ".urls", urls);
        List<String> apps = raw.containsKey(p + "apps") ? list(p + "apps") : List.of("*");
        apps.forEach(a -> checkPattern(where + ".apps", a, false));
        Optional<String> defaultLabel = scalar(p + "default-label", where + ".default-label");
        defaultLabel.flatMap(l -> Names.checkPart("default label", l, true))
                .ifPresent(msg -> problems.add(where + ".default-label: " + msg));
        List<String> labels = list(p + "labels");
        labels.forEach(l -> checkPattern(where + ".labels", l, true));
        List<String> searchPaths = list(p + "search-paths");
        for (String sp : searchPaths) {
            String plain = sp.replace("{application}", "a").replace("{profile}", "p").replace("{label}", "l");
            Names.checkPath(plain).ifPresent(msg -> problems.add(where + ".search-paths: \"" + Names.printable(sp) + "\": " + msg));
        }
        Optional<Path> credentials = scalar(p + "credentials-file", where + ".credentials-file")
                .filter(s -> !s.isBlank())
                .flatMap(s -> {
                    try {
                        return readableFile(s);
                    } catch (IllegalArgumentException e) {
                        problems.add(where + ".credentials-file: " + e.getMessage());
                        return Optional.empty();
                    }
                });
        RemoteAccess remote = access.repo(where, k -> scalar(p + k, where + "." + k), proxy);
        return Optional.of(new RepoConfig(name, urls, apps, defaultLabel, labels, searchPaths, credentials, remote));
    }

    private void checkUrls(String where, List<String> urls) {
        for (String url : urls) {
            try {
                Values.gitUrl(url);
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage());
            }
        }
    }

    private void checkPattern(String where, String pattern, boolean slashAllowed) {
        String plain = pattern.replace("*", "x");
        if (pattern.equals("*")) {
            return;
        }
        Names.checkPart("pattern", plain, slashAllowed).ifPresent(msg -> problems.add(where + ": \""
                + Names.printable(pattern) + "\" is not a name pattern (" + msg + ")"));
    }

    private Optional<String> scalar(String key, String where) {
        Object v = raw.get(key);
        if (v instanceof List<?>) {
            problems.add(where + ": must be a single value, not a list");
            return Optional.empty();
        }
        return Optional.ofNullable((String) v);
    }

    @SuppressWarnings("unchecked")
    private List<String> list(String key) {
        Object v = raw.get(key);
        if (v == null) {
            return List.of();
        }
        List<String> items = v instanceof List<?> l ? (List<String>) l : splitList((String) v);
        return items.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    // the key is never echoed in a problem: only where it came from
    private VortexConfig.Encrypt encrypt() {
        String key = get("encrypt.key", s -> s);
        Optional<Path> file = get("encrypt.key-file", ConfigLoader::readableFile);
        String salt = get("encrypt.salt", s -> s);
        if (!salt.matches("([0-9a-fA-F]{2})+")) {
            problems.add("encrypt.salt: must be hex digits, an even number of them (Spring's default is deadbeef)");
        }
        if (!key.isEmpty() && file.isPresent()) {
            problems.add("encrypt.key and encrypt.key-file are both set (give one)");
        }
        if (file.isPresent()) {
            try {
                key = Files.readString(file.get(), java.nio.charset.StandardCharsets.UTF_8).strip();
                if (key.isEmpty()) {
                    problems.add("encrypt.key-file: \"" + file.get() + "\" is empty");
                }
            } catch (IOException e) {
                problems.add("encrypt.key-file: \"" + file.get() + "\" cannot be read: " + e.getMessage());
            }
        }
        return new VortexConfig.Encrypt(key.isEmpty() ? Optional.empty() : Optional.of(key), salt);
    }

    // which of the paths that need a principal by default (when a principals file exists) stay open
    private List<String> openPaths() {
        List<String> paths = list("auth.open-paths");
        for (String p : paths) {
            if (!VortexConfig.Auth.OPENABLE.contains(p)) {
                problems.add("auth.open-paths: \"" + Names.printable(p) + "\" cannot be opened (only " + VortexConfig.Auth.OPENABLE + ")");
            }
        }
        return paths;
    }

    private static List<String> splitList(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /**
     * Parses {@code key} and records a problem instead of throwing; a bad value yields the (valid)
     * default so binding can go on and report every other problem too.
     */
    private <T> T get(String key, Function<String, T> parser) {
        Object v = raw.getOrDefault(key, DEFAULTS.get(key));
        if (v instanceof List<?>) {
            problems.add(key + ": must be a single value, not a list");
            return parser.apply(DEFAULTS.get(key));
        }
        try {
            return parser.apply(((String) v).trim());
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
            return parser.apply(DEFAULTS.get(key));
        }
    }

    private static Duration positiveDuration(String s) {
        Duration d = Values.duration(s);
        if (d.isZero()) {
            throw new IllegalArgumentException("\"" + s + "\" is not a positive duration (e.g. 500ms, 30s, 2m)");
        }
        return d;
    }

    private static Optional<Path> readableFile(String s) {
        if (s.isBlank()) {
            return Optional.empty();
        }
        Path p = Path.of(s);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException("\"" + Names.printable(s) + "\" is not a readable file");
        }
        return Optional.of(p);
    }

    private static String suggestion(String key, java.util.Collection<String> known) {
        return known.stream()
                .min(Comparator.comparingInt(k -> distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT))))
                .filter(k -> distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT)) <= Math.max(2, key.length() / 3))
                .map(k -> " (did you mean " + k + "?)")
                .orElse("");
    }

    /** Levenshtein distance, for "did you mean". */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "cannot be read";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
