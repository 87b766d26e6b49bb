package dev.vortex.render;

/** A request needs a file of the commit that does not parse; names the file, line and message. */
public final class RenderException extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;
    private final transient ParseProblem problem;

    public RenderException(ParseProblem problem) {
        super(problem.toString(), null, false, false);
        this.problem = problem;
    }

    public ParseProblem problem() {
        return problem;
    }
}
