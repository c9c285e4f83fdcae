package org.porthole.engine.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Decides whether a peer address is loopback. Until sign-in arrives (issue 3) the engine
 * serves loopback clients only. Only IP literals are accepted: nothing here resolves names.
 */
public final class LoopbackAddresses {

    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final int MAX_OCTET = 255;
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    private static final int MAX_HOST_NAME = 255;

    private LoopbackAddresses() {
    }

    /** True when {@code host} is an IPv4 or IPv6 literal in a loopback range (127/8, ::1). */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String literal = stripBrackets(host.trim());
        if (!isIpv4Literal(literal) && !isIpv6Literal(literal)) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * True when the host a request was addressed to ({@code Host} header in HTTP/1.1, the
     * {@code :authority} in HTTP/2, port already removed) names this machine by a loopback name:
     * {@code localhost} or a 127/8 or ::1 literal. A page from another site whose name was
     * re-pointed at 127.0.0.1 (DNS rebinding) sends its own name and fails.
     */
    public static boolean isLoopbackHostName(String host) {
        if (host == null || host.isBlank() || host.length() > MAX_HOST_NAME) {
            return false;
        }
        return "localhost".equalsIgnoreCase(host.trim()) || isLoopback(host);
    }

    private static boolean isIpv4Literal(String literal) {
        if (!IPV4_LITERAL.matcher(literal).matches()) {
            return false;
        }
        for (String octet : literal.split("\\.")) {
            if (Integer.parseInt(octet) > MAX_OCTET) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6Literal(String literal) {
        return literal.indexOf(':') >= 0 && IPV6_LITERAL.matcher(literal).matches();
    }

    private static String stripBrackets(String host) {
        if (host.length() > 2 && host.startsWith("[") && host.endsWith("]")) {
            return host.substring(1, host.length() - 1);
        }
        return host;
    }
}
