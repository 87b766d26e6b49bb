package dev.vortex.http;

import dev.vortex.cluster.Cluster;

/**
 * {@code POST /api/v1/cluster/notice}: a peer's signed notice (open like {@code /monitor}: the
 * signature is the guard; a refused notice changes nothing), and {@code GET /api/v1/cluster}: this
 * replica's peers, what each replica serves, and the skew.
 */
public final class ClusterHandler {
    public static final String NOTICE_PATH = "/api/v1/cluster/notice";
    private final Cluster cluster;

    public ClusterHandler(Cluster cluster) {
        this.cluster = cluster;
    }

    public void register(Router router) {
        router.post(NOTICE_PATH, this::notice);
        router.get("/api/v1/cluster", r -> r.json(200, cluster.status()));
    }

    private void notice(Request r) throws Exception {
        Cluster.Received answer = cluster.receive(r.header("X-Vortex-Timestamp"), r.header("X-Vortex-Signature"), r.body());
        if (answer.status() >= 400) {
            throw new ApiException(answer.status(), String.valueOf(answer.body().get("message")));
        }
        r.json(answer.status(), answer.body());
    }
}
