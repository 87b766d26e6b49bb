package dev.vortex.render;

import dev.vortex.config.Urls;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an {@link Environment} with Spring Cloud Config's precedence (Spring Boot's config data
 * rules with {@code spring.config.name=application,{app}} and the search locations as one group),
 * highest first:
 * <ol>
 * <li>profile-specific files: for each profile from the last listed to the first, for each
 *     location from the last search path to the root, {@code {app}-{p}} then
 *     {@code application-{p}}, each as {@code .properties}, {@code .yml}, {@code .yaml};</li>
 * <li>then the same without profile: {@code {app}.*} then {@code application.*} per location.</li>
 * </ol>
 * A file's documents rank later-first, and a document restricted with
 * {@code spring.config.activate.on-profile} counts only when its condition matches the profiles.
 */
final class Environments {
    private Environments() {
    }

    /** The Environment, its {@code {cipher}} values decrypted by {@code ciphers} (counted for {@code repo}). */
    static Environment build(CommitFiles files, ParseCache parser, CipherValues ciphers, String repo, String repoUrl,
                             List<String> searchPaths, String version, Query query) {
        List<String> profiles = query.profileList();
        List<String> locations = SearchPaths.forRequest(searchPaths, query.app(), profiles, query.labelOrDefault(), files);
        List<String> names = configNames(query.app());
        Sources sources = new Sources(files, parser, ciphers, repo, version, baseUrl(repoUrl), profiles);
        for (int p = profiles.size() - 1; p >= 0; p--) {
            for (int l = locations.size() - 1; l >= 0; l--) {
                for (int n = names.size() - 1; n >= 0; n--) {
                    sources.addFile(locations.get(l), names.get(n) + "-" + profiles.get(p));
                }
            }
        }
        for (int l = locations.size() - 1; l >= 0; l--) {
            for (int n = names.size() - 1; n >= 0; n--) {
                sources.addFile(locations.get(l), names.get(n));
            }
        }
        return new Environment(query.app(), query.profiles(), query.label(), version, sources.out);
    }

    /**
     * Spring's {@code spring.config.name}: {@code application,{app}} — but only {@code {app}} when
     * the name starts with "application" (Spring Cloud Config's own rule, kept for fidelity).
     */
    static List<String> configNames(String app) {
        return app.startsWith("application") ? List.of(app) : List.of("application", app);
    }

    static String baseUrl(String url) {
        String u = Urls.redact(url);
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    /** The property sources of one Environment, highest precedence first, as its files are added. */
    private record Sources(CommitFiles files, ParseCache parser, CipherValues ciphers, String repo, String version, String base,
                           List<String> profiles, List<Environment.PropertySource> out) {
        Sources(CommitFiles files, ParseCache parser, CipherValues ciphers, String repo, String version, String base,
                List<String> profiles) {
            this(files, parser, ciphers, repo, version, base, profiles, new ArrayList<>());
        }

        void addFile(String location, String stem) {
            var dir = files.dir(location);
            if (dir.isEmpty()) {
                return;
            }
            CommitFiles.Entry[] found = dir.get().configFiles(stem);
            if (found == null) {
                return;
            }
            for (CommitFiles.Entry entry : found) {
                if (entry != null) {
                    add(location, entry, ParseCache.Format.of(entry.name()).orElseThrow());
                }
            }
        }

        private void add(String location, CommitFiles.Entry entry, ParseCache.Format format) {
            String path = SearchPaths.child(location, entry.name());
            ParseResult result = parser.parse(files, entry, format);
            if (result instanceof ParseResult.Failed f) {
                throw new RenderException(new ParseProblem(path, f.line(), f.message()));
            }
            List<Document> docs = ((ParseResult.Parsed) result).documents();
            for (int i = docs.size() - 1; i >= 0; i--) {
                Document d = docs.get(i);
                if (d.activeFor(profiles)) {
                    String name = base + "/" + path + (docs.size() > 1 ? " (document #" + d.index() + ")" : "");
                    var source = new Environment.PropertySource(name, d.source(), d.origins(), path, d.index());
                    // decrypted here, once per environment: every view, the WebSocket feed and the diff see plain values
                    out.add(d.ciphers() ? ciphers.decrypt(repo, version, source) : source);
                }
            }
        }
    }
}
