package dev.vortex.git;

import dev.vortex.config.Urls;
import java.util.Optional;
import java.util.regex.Pattern;

/** What a failed fetch says: whether the repository is missing there, and its message without credentials. */
final class FetchErrors {
    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s]+@");

    private FetchErrors() {
    }

    /**
     * "Not found": HTTP 404 (JGit's {@code NoRemoteRepositoryException}, also a git or SSH server's
     * "does not exist"), or HTTP 401 when no credentials are configured at all — GitHub and GitLab
     * answer a repository that does not exist (or is private, which without credentials is the same
     * to us) with a challenge. A 401 to credentials we sent, and a 403, are real authentication
     * failures and stay errors.
     */
    static boolean saysMissing(Throwable e, boolean noCredentialsConfigured) {
        String noCredentials = org.eclipse.jgit.internal.JGitText.get().noCredentialsProvider;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.jgit.errors.NoRemoteRepositoryException) {
                return true;
            }
            if (t instanceof org.eclipse.jgit.errors.TransportException && noCredentialsConfigured
                    && String.valueOf(t.getMessage()).contains(noCredentials)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What went wrong, in words with no credential: the JGit message chain with user-info removed
     * from every URL and the configured URL's user-info blanked wherever it appears.
     */
    static String describe(Throwable e, String url) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 500; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (sb.indexOf(m) < 0) {
                if (!sb.isEmpty()) {
                    sb.append(": ");
                }
                sb.append(m);
            }
        }
        String text = USER_INFO.matcher(sb.toString()).replaceAll("$1");
        Optional<String> userInfo = Urls.userInfo(url);
        if (userInfo.isPresent()) {
            String u = userInfo.get();
            text = text.replace(u, "***");
            int colon = u.indexOf(':');
            if (colon >= 0 && colon + 1 < u.length()) {
                text = text.replace(u.substring(colon + 1), "***");
            }
        }
        return text;
    }
}
