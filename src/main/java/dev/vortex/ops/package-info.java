/**
 * Operations: logfmt logging on java.util.logging ({@link dev.vortex.ops.Log},
 * {@link dev.vortex.ops.LogfmtFormatter}, {@link dev.vortex.ops.Logging}), the Prometheus metrics
 * registry ({@link dev.vortex.ops.Metrics}, {@link dev.vortex.ops.JvmMetrics}), who may do what
 * ({@link dev.vortex.ops.Principals}, {@link dev.vortex.ops.AttemptLimiter}) and OS {@link dev.vortex.ops.Signals}. Uses only {@code config}.
 */
package dev.vortex.ops;
