package dev.vortex;

/** The text of {@code vortexd --help}. */
final class Usage {
    static final String TEXT = """
            vortexd — git-backed configuration server (Spring Cloud Config compatible REST + WebSocket push)

            usage: java -jar vortexd.jar [--config=FILE] [--repo=URL[,MIRROR_URL…]]… [--key=value]…

              --config=FILE          YAML configuration (also VORTEX_CONFIG)
              --repo=URL[,MIRROR…]   serve one repository (repeatable), named after the URL's last segment
              --key=value            any configuration key, e.g. --http.port=8080 --sync.interval=1m
                                     (environment: VORTEX_HTTP_PORT=8080; flags win over environment,
                                     environment over the file)
              --check-config         validate everything a start would (files, URLs, data-dir; ports are
                                     reported), print the problems or "configuration OK", exit 0 or 78
              --print-config         print the effective configuration, each value with its source
                                     (default, file, env, flag); URL credentials redacted
              --help, --version

            On a JDK older than 21 the jar prints which Java it needs and exits 78; the vortexd launcher (/usr/bin/vortexd) finds one.
            SIGHUP (systemctl reload) re-reads the configuration file and applies it without a restart.

            With no repository configured, vortexd creates and serves a demo repository in data-dir.
            Exit codes: 0 clean stop, 1 start-up failure, 78 invalid configuration.
            """;

    private Usage() {
    }
}
