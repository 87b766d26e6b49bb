/**
 * Rendering: turns the files of a commit into what clients are served, read straight from git
 * objects (no checkout). {@link dev.vortex.render.Renderer} is the facade: Spring Cloud Config
 * Environments and merged views ({@link dev.vortex.render.View}), plain files, the effective
 * configuration and its {@link dev.vortex.render.JsonPatch} diff, a commit's
 * {@link dev.vortex.render.Inventory}, the applications a commit can change ({@code touched}), the
 * commit check ({@code check}: the files that do not parse, which the sync holds back) and a
 * request's first unreadable file ({@code unreadable}, a {@link dev.vortex.render.ParseProblem}).
 * {@code {cipher}} values are decrypted as Spring does ({@code CipherValues} with {@code CipherKeys}:
 * {@code encrypt.key}, or an RSA key store). Commits are reached through
 * {@link dev.vortex.render.CommitSource}, the only way other packages (http, ws) reach them;
 * {@link dev.vortex.render.ServedCommits} implements it over the published state and the mirrors.
 *
 * <p>Inside: {@code YamlParser} and {@code PropertiesParser} (Spring Boot's reading rules,
 * bounded against hostile files), {@code ParseCache} (by blob id), {@code CommitFiles}
 * (TreeWalk listings, kept by {@code Listings} by tree id), {@code SearchPaths}, {@code Environments} (Spring's
 * precedence), {@code Merge} (Spring's list semantics and nesting), {@code Placeholders},
 * {@code Views} (bytes), {@code PlainFiles}, {@code Inventories}, {@code ChangedFiles},
 * {@code CommitChanges} (a commit looked at from the one before), {@code RenderCaches} (what the
 * facade keeps within {@code render.cache-size}) and {@code Caches} (the bounded caches, Caffeine).
 */
package dev.vortex.render;
