package dev.vortex.ops;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The names a client certificate verified by {@code tls.client-ca-file} stands for: its subject's
 * CN, then its subject alternative names (DNS, e-mail, URI, IP). A principal with
 * {@code certificate: true} whose name is one of them is that client (see {@link Principals}).
 * The handshake already refused a certificate the CA did not sign, so a session that has one is verified.
 */
public final class ClientCertificate {
    private static final List<Integer> SAN_TYPES = List.of(1, 2, 6, 7); // rfc822Name, dNSName, URI, iPAddress

    private ClientCertificate() {
    }

    /** The names of the session's client certificate; empty without TLS or without a client certificate. */
    public static List<String> names(SSLSession session) {
        if (session == null) {
            return List.of();
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
        return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? names(leaf) : List.of();
    }

    static List<String> names(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    out.add(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            // no CN to offer; the alternative names may still name the client
        }
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (SAN_TYPES.contains((Integer) san.get(0)) && san.get(1) instanceof String name) {
                        out.add(name);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // as above
        }
        return List.copyOf(out);
    }
}
