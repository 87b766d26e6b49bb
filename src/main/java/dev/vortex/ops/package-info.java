/**
 * Operations: logfmt logging on java.util.logging ({@link dev.vortex.ops.Log},
 * {@link dev.vortex.ops.LogfmtFormatter}, {@link dev.vortex.ops.Logging}), the Prometheus metrics
 * registry ({@link dev.vortex.ops.Metrics}, {@link dev.vortex.ops.JvmMetrics}), bearer
 * {@link dev.vortex.ops.Tokens} and OS {@link dev.vortex.ops.Signals}. Uses only {@code config}.
 */
package dev.vortex.ops;
