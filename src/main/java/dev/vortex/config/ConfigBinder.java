package dev.vortex.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;

/**
 * Parses and checks the {@link RawConfig}'s values into a {@link VortexConfig}. A bad value is a
 * problem and yields its (valid) default, so binding goes on and reports every other problem too.
 */
final class ConfigBinder {
    private final RawConfig raw;
    private final Map<String, String> env;
    private final List<String> problems;
    private final RemoteAccessBinder access;

    ConfigBinder(RawConfig raw, Map<String, String> env, List<String> problems) {
        this.raw = raw;
        this.env = env;
        this.problems = problems;
        this.access = new RemoteAccessBinder(problems::add);
    }

    /** The configuration, or null when a value was bad (each is a problem then). */
    VortexConfig bind() {
        var http = new VortexConfig.Http(get("http.bind", Values::host), get("http.port", Values::port));
        var ws = new VortexConfig.Ws(get("ws.bind", Values::host), get("ws.port", Values::port),
                get("ws.max-sessions", Values::positiveInt), get("ws.ping", ConfigBinder::positiveDuration),
                get("ws.pong-timeout", ConfigBinder::positiveDuration), get("ws.queue-messages", Values::positiveInt),
                get("ws.queue-bytes", Values::size), get("ws.max-message", Values::size),
                get("ws.max-rate", Values::positiveInt), get("ws.max-subscriptions", Values::positiveInt),
                get("ws.compression", Values::bool));
        var sync = new VortexConfig.Sync(get("sync.interval", ConfigBinder::positiveDuration),
                get("sync.debounce", Values::duration), get("sync.jitter", Values::percent),
                get("sync.fetch-timeout", ConfigBinder::positiveDuration),
                get("sync.backoff.initial", ConfigBinder::positiveDuration),
                get("sync.backoff.max", ConfigBinder::positiveDuration),
                get("sync.full-reload", Values::duration), get("sync.max-concurrent", Values::positiveInt));
        var throttle = new VortexConfig.Throttle(get("throttle.per-domain-concurrency", Values::positiveInt),
                get("throttle.per-domain-per-minute", Values::positiveInt));
        var auth = new VortexConfig.Auth(get("auth.tokens-file", ConfigBinder::readableFile),
                get("auth.webhook-secret-file", ConfigBinder::readableFile),
                get("auth.principals-file", ConfigBinder::readableFile), openPaths(),
                get("auth.max-failures", Values::positiveInt));
        var render = new VortexConfig.Render(get("render.cache-size", Values::size));
        var encrypt = encrypt();
        // that both are set together is checked where the pair is read (Tls), with its contents
        var tls = new VortexConfig.Tls(get("tls.cert-file", ConfigBinder::readableFile), get("tls.key-file", ConfigBinder::readableFile),
                get("tls.client-ca-file", ConfigBinder::readableFile));
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
                get("proxy.credentials-file", ConfigBinder::readableFile), splitList(get("proxy.no-proxy", s -> s)));
        List<RepoConfig> repos = bindRepos(access.proxy(proxySettings, env));
        var cluster = ClusterBinder.bind(list("cluster.peers"), k -> get(k, s -> s), http.port(), problems);
        if (!problems.isEmpty()) {
            return null;
        }
        return new VortexConfig(http, ws, Path.of(dataDir), sync, throttle, auth, render, encrypt, tls, level, repos, false, raw.overrides,
                proxySettings, cluster);
    }

    private List<RepoConfig> bindRepos(Optional<RemoteAccess.Proxy> proxy) {
        Set<Integer> indexes = new TreeSet<>();
        raw.values.keySet().forEach(k -> {
            Matcher m = ConfigKeys.REPO_KEY.matcher(k);
            if (m.matches()) {
                indexes.add(Integer.parseInt(m.group(1)));
            }
        });
        List<RepoConfig> repos = new ArrayList<>();
        for (int i : indexes) {
            bindRepo("repos." + i, i, proxy).ifPresent(repos::add);
        }
        for (String flag : raw.repoFlags) {
            List<String> urls = splitList(flag);
            if (urls.isEmpty()) {
                problems.add("--repo: needs at least one URL");
                continue;
            }
            String where = "--repo=" + Urls.redact(urls.get(0));
            checkUrls(where, urls.stream().map(TemplateUrls::sample).toList());
            TemplateUrls.problems(urls).forEach(msg -> problems.add(where + ": " + msg));
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
        checkUrls(where + ".urls", urls.stream().map(TemplateUrls::sample).toList());
        TemplateUrls.problems(urls).forEach(msg -> problems.add(where + ".urls: " + msg));
        List<String> apps = raw.values.containsKey(p + "apps") ? list(p + "apps") : List.of("*");
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
        RepoConfig.PerApp perApp = perApp(where, p, urls.stream().anyMatch(u -> RepoConfig.PLACEHOLDERS.stream().anyMatch(u::contains)));
        return Optional.of(new RepoConfig(name, urls, apps, defaultLabel, labels, searchPaths, credentials, remote, perApp));
    }

    /** A template's {@code max-repos}, {@code negative-cache} and {@code first-sync-wait}; set on any other repository, a problem. */
    private RepoConfig.PerApp perApp(String where, String p, boolean template) {
        RepoConfig.PerApp d = RepoConfig.PerApp.DEFAULTS;
        int max = repoValue(where, p, "max-repos", Values::positiveInt, d.maxRepos(), template);
        java.time.Duration negative = repoValue(where, p, "negative-cache", Values::duration, d.negativeCache(), template);
        java.time.Duration wait = repoValue(where, p, "first-sync-wait", Values::duration, d.firstSyncWait(), template);
        return new RepoConfig.PerApp(max, negative, wait);
    }

    private <T> T repoValue(String where, String p, String key, java.util.function.Function<String, T> parser, T dflt, boolean template) {
        Optional<String> v = scalar(p + key, where + "." + key).map(String::trim).filter(s -> !s.isEmpty());
        if (v.isEmpty()) {
            return dflt;
        }
        if (!template) {
            problems.add(where + "." + key + ": only for a per-application repository (a URL holding {application}, {profile} or {label})");
            return dflt;
        }
        try {
            return parser.apply(v.get());
        } catch (IllegalArgumentException e) {
            problems.add(where + "." + key + ": " + e.getMessage());
            return dflt;
        }
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
        Object v = raw.values.get(key);
        if (v instanceof List<?>) {
            problems.add(where + ": must be a single value, not a list");
            return Optional.empty();
        }
        return Optional.ofNullable((String) v);
    }

    @SuppressWarnings("unchecked")
    private List<String> list(String key) {
        Object v = raw.values.get(key);
        if (v == null) {
            return List.of();
        }
        List<String> items = v instanceof List<?> l ? (List<String>) l : splitList((String) v);
        return items.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    // the key is never echoed in a problem: only where it came from
    private VortexConfig.Encrypt encrypt() {
        String key = get("encrypt.key", s -> s);
        Optional<Path> file = get("encrypt.key-file", ConfigBinder::readableFile);
        String salt = get("encrypt.salt", s -> s);
        if (!salt.matches("([0-9a-fA-F]{2})+")) {
            problems.add("encrypt.salt: must be hex digits, an even number of them (Spring's default is deadbeef)");
        }
        if (!key.isEmpty() && file.isPresent()) {
            problems.add("encrypt.key and encrypt.key-file are both set (give one)");
        }
        if (file.isPresent()) {
            try {
                key = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
                if (key.isEmpty()) {
                    problems.add("encrypt.key-file: \"" + file.get() + "\" is empty");
                }
            } catch (IOException e) {
                problems.add("encrypt.key-file: \"" + file.get() + "\" cannot be read: " + e.getMessage());
            }
        }
        VortexConfig.KeyStore store = keyStore();
        if (store.location().isPresent() && (!key.isEmpty() || file.isPresent())) {
            problems.add("encrypt.key-store.location and encrypt.key are both set (give one: RSA or symmetric)");
        }
        return new VortexConfig.Encrypt(key.isEmpty() ? Optional.empty() : Optional.of(key), salt, store);
    }

    // Spring Cloud Config's encrypt.key-store.* and encrypt.rsa.*; the store itself is opened (and the alias checked) by render.KeyStoreKeys
    private VortexConfig.KeyStore keyStore() {
        Optional<Path> location = get("encrypt.key-store.location", s -> readableFile(s.startsWith("file:") ? s.substring(5) : s));
        String password = get("encrypt.key-store.password", s -> s);
        String alias = get("encrypt.key-store.alias", s -> s);
        String secret = get("encrypt.key-store.secret", s -> s);
        String type = get("encrypt.key-store.type", s -> s);
        String algorithm = get("encrypt.rsa.algorithm", s -> {
            if (!s.equalsIgnoreCase("DEFAULT") && !s.equalsIgnoreCase("OAEP")) {
                throw new IllegalArgumentException("\"" + Names.printable(s) + "\" is not DEFAULT or OAEP");
            }
            return s.toUpperCase(java.util.Locale.ROOT);
        });
        String salt = get("encrypt.rsa.salt", s -> s);
        boolean strong = get("encrypt.rsa.strong", s -> {
            if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException("\"" + Names.printable(s) + "\" is not true or false");
            }
            return Boolean.parseBoolean(s);
        });
        return new VortexConfig.KeyStore(location, password, alias, secret, type, algorithm, salt, strong, location.map(this::digest).orElse(""));
    }

    // the key store's content as the configuration carries it: a reload sees a store replaced under the same name
    private String digest(Path file) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            problems.add("encrypt.key-store.location: \"" + file + "\" cannot be read: " + e.getClass().getSimpleName());
            return "";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
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
        Object v = raw.values.getOrDefault(key, ConfigKeys.DEFAULTS.get(key));
        if (v instanceof List<?>) {
            problems.add(key + ": must be a single value, not a list");
            return parser.apply(ConfigKeys.DEFAULTS.get(key));
        }
        try {
            return parser.apply(((String) v).trim());
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
            return parser.apply(ConfigKeys.DEFAULTS.get(key));
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
}
