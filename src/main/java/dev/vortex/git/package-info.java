/**
 * Local bare mirrors of the configured repositories, through JGit only.
 *
 * <p>{@link dev.vortex.git.Mirrors} opens (and repairs) one {@link dev.vortex.git.Mirror} per
 * repository at {@code data-dir/mirrors/<repo>.git}. A mirror fetches each URL into its own
 * namespace {@code refs/vortex/<remote-id>/heads/*} and {@code refs/vortex/<remote-id>/tags/*}, where
 * the remote-id is {@link dev.vortex.git.Mirror#remoteId(String)}: the first 12 hex digits of the
 * SHA-256 of the URL with its user-info removed, so it stays the same when only credentials change.
 * The remote's HEAD is kept there too, as the symbolic ref {@code refs/vortex/<remote-id>/HEAD}.
 * Labels, refs and commit ids are resolved through the mirror's refs and object database — never a
 * command line. Credentials come from the repository's {@code credentials-file} and are never logged.
 * {@link dev.vortex.git.DemoRepository} creates the repository served when none is configured.
 */
package dev.vortex.git;
