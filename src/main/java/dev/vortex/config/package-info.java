/**
 * Configuration: the YAML file, {@code VORTEX_*} environment variables and {@code --key=value}
 * flags merged (later wins) and validated into immutable records — {@link dev.vortex.config.VortexConfig},
 * {@link dev.vortex.config.RepoConfig} — by {@link dev.vortex.config.ConfigLoader}, which lists every
 * problem at once: {@code RawConfig} reads the three sources into dotted keys, {@code ConfigKeys} is
 * their schema, {@code ConfigBinder} parses and checks the values. Also the checks every name reaching git or the filesystem goes through
 * ({@link dev.vortex.config.Names}), glob {@link dev.vortex.config.Patterns} and credential-free
 * {@link dev.vortex.config.Urls}. Depends on nothing else in vortexd.
 */
package dev.vortex.config;
