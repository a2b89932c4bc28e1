package io.imageflowcanvas.server.kafka;

import java.util.Properties;

/**
 * A Kafka client's login where the broker asks for one (the cluster's production overlay): SASL/SCRAM-SHA-512 over
 * the client listener. Without one, clients connect as before.
 */
public record KafkaLogin(String user, String password) {

    public KafkaLogin {
        if (user == null || user.isBlank() || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a Kafka login needs a user and a password");
        }
    }

    /** The login {@code user} and {@code password} give, or none when no user is set. */
    public static KafkaLogin of(String user, String password) {
        return user == null || user.isBlank() ? null : new KafkaLogin(user, password);
    }

    /** Adds this login to a client's configuration; {@code login} may be null (no login). */
    public static Properties apply(KafkaLogin login, Properties config) {
        if (login != null) {
            config.put("security.protocol", "SASL_PLAINTEXT");
            config.put("sasl.mechanism", "SCRAM-SHA-512");
            config.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"" + quoted(login.user()) + "\" password=\"" + quoted(login.password()) + "\";");
        }
        return config;
    }

    /** A JAAS option value: backslashes and quotes escaped. */
    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return "KafkaLogin[" + user + "]";
    }
}
